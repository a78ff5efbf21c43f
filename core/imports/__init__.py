"""Imports of spreadsheets in the admin (CSV or XLSX): upload, a dry run that lists every error (row,
column, value, message) and writes nothing, then the import, atomic.

A file is read into rows of the resource's API serializer fields, then goes through the bulk sync engine
(`core.bulk.engine.BulkSync`): the same validation, key normalisation, jurisdiction and history (source
`import`) as `POST <resource>/bulk/`. Columns are named by the field (`uscc`) or its verbose name in
Chinese or English (`统一社会信用代码`, `Unified social credit code`), so a file exported from the registry
comes back in as it is; a column the resource does not know refuses the file; read-only columns (id,
status, timestamps) are ignored, and the dry run says so. Related records are named by their codes:
divisions by division code, organizations by credit code (the key of their bulk sync), never by
database id. Choice values are accepted as labels (`社会团体`) or values (`social_group`), booleans as
是/否, yes/no, true/false, 1/0; an empty cell leaves the stored value as it is.

An admin opts in with `importable = True` (the model needs an API list with `BulkSyncMixin`):

    class CommunityOrganizationAdmin(RegistryAdmin):
        importable = True

`files` reads the file into rows, `tables` turns the rows into the resource's records (`TableImport`),
`admin` is the page (`ImportAdminMixin`).
"""
