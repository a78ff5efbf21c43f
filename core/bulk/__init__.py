"""Bulk sync (DESIGN §4): a batch of rows keyed by one field (`uscc`, `filing_number`), each created or
updated through the resource's own serializer, all in one transaction, or none.

Every row is validated before any is written: the serializer (normalisation of the key, related records
by code, field rules), the model's full validation and the jurisdiction check (the same
`core.access.check_write` that `HistoryModel.save` calls). Only a batch without a bad row is written,
row by row: each record exactly as validated, through `HistoryModel.save` (the jurisdiction checked
again, the history written with source `bulk`), or through the serializer's own `create`/`update` when
it has them. The admin's imports run the same engine with source `import`. See
docs/decisions/0041-bulk-sync-validate-then-write.md.

To give a resource `POST <resource>/bulk/`, put `BulkSyncMixin` before `RegistryViewSet` and name the key:

    class CommunityOrganizationViewSet(BulkSyncMixin, RegistryViewSet):
        bulk_key = "filing_number"   # rows without it are created (the serializer makes the number)

`engine` holds `BulkSync`, `validation` the batch's model validation, `api` the endpoint (`BulkSyncMixin`)
and its schema.
"""
