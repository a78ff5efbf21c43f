"""Exports of every list to CSV and XLSX, for people (DESIGN §4): the API's `?format=csv|xlsx` and the
admin's export action and button share this code.

- `tables`: a list as a table: the serializer's columns, headers and values in the active language.
- `writers`: the two file formats, streamed, formula-safe.
- `views`: the streaming response, the export log, and the viewset mixin the base viewsets use.
- `renderers`: what makes content negotiation accept `format=csv` and `format=xlsx` on lists.
- `resources`: which API list serves a model, so the admin exports the same columns as the API.
- `admin`: the admin's export action, the "export this filtered list" button.
"""
