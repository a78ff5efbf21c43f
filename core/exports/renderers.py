"""Renderers that let content negotiation accept `?format=csv` and `?format=xlsx` (or the matching
`Accept` header) on list endpoints. A successful export never reaches `render()`: the list streams its
own response (`core.exports.views.ExportMixin`). `render()` serves only data a view hands over as a
plain `Response` to an export request (a custom list that does not use the base list): the rows are
written as they are, through the same formula-safe writers."""

from rest_framework.renderers import BaseRenderer

from core.exports.writers import csv_chunks, xlsx_chunks

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain_rows(data) -> tuple[list[str], list[list]]:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    records = data if isinstance(data, list) else [data]
    records = [record for record in records if isinstance(record, dict)]
    headers = list(records[0]) if records else []
    return headers, [[record.get(name) for name in headers] for record in records]


class ExportRenderer(BaseRenderer):
    """Base of the export formats; `isinstance(request.accepted_renderer, ExportRenderer)` means an export."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        headers, rows = _plain_rows(data)
        return b"".join(self.chunks(headers, rows))

    def chunks(self, headers, rows):
        raise NotImplementedError


class CSVRenderer(ExportRenderer):
    media_type = CSV_MEDIA_TYPE
    format = "csv"
    charset = "utf-8"

    def chunks(self, headers, rows):
        return csv_chunks(headers, rows)


class XLSXRenderer(ExportRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def chunks(self, headers, rows):
        return xlsx_chunks(headers, rows, title="Sheet1")


EXPORT_RENDERERS = (CSVRenderer, XLSXRenderer)
