"""The streaming export response, the export log, and the mixin that gives every list endpoint
`?format=csv` and `?format=xlsx` (DESIGN §4)."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterator, Sequence
from urllib.parse import quote

from django.db import connections
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.renderers import JSONRenderer

from core.access import principal_of
from core.asof import requested_day
from core.choices import ChangeSource
from core.exports.copy import copy_chunks, copy_columns
from core.exports.renderers import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, CSVRenderer, ExportRenderer, XLSXRenderer
from core.exports.tables import ExportTable
from core.exports.writers import csv_chunks, xlsx_chunks
from core.metrics import EXPORT_BYTES
from core.models import ExportLog

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {CSV: f"{CSV_MEDIA_TYPE}; charset=utf-8", XLSX: XLSX_MEDIA_TYPE}
# Query parameters that shape the JSON page, not the list: not filters, ignored by an export.
NOT_FILTERS = frozenset({"format", "page", "page_size"})
DEFAULT_CHUNK_SIZE = 1000


# Characters a file name may not hold on Windows or in a quoted header parameter.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')
# The language the export log names lists in: the bureau's.
LOG_LANGUAGE = "zh-hans"


def export_filename(name: str, file_format: str) -> str:
    """`社会组织-20261128.xlsx`: what and when (the bureau's local date)."""
    name = UNSAFE_IN_FILE_NAMES.sub(" ", str(name)).strip() or "export"
    return f"{name}-{timezone.localdate():%Y%m%d}.{file_format}"


def attachment_header(*, title: str, resource: str, file_format: str) -> str:
    """Content-Disposition of an export (RFC 6266): the list's name in the reader's language as
    `filename*=UTF-8''…` (RFC 5987), and an ASCII `filename` (the list's URL segment) for clients that
    read only that one."""
    fallback = export_filename(resource, file_format)
    name = export_filename(title, file_format)
    if name.isascii():
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def log_title(title) -> str:
    """The list's name as the export log keeps it: in Chinese, whatever the reader's language."""
    with translation.override(LOG_LANGUAGE):
        return str(title)[:200]


def filters_of(query) -> dict:
    """The filters of a query string, as the export log keeps them (repeated parameters as lists)."""
    return {
        name: values[0] if len(values) == 1 else values for name, values in query.lists() if name not in NOT_FILTERS
    }


def manifested(chunks: Iterator[bytes], log: ExportLog, rows_sent) -> Iterator[bytes]:
    """`chunks` as sent, hashed on the way (SHA-256) and counted in `registry_export_bytes_total`; when
    the last one has gone, the log gets the digest and `rows_sent()`, the rows written. A download that
    breaks off leaves the digest empty."""
    digest = hashlib.sha256()
    sent = EXPORT_BYTES.labels(log.file_format)
    for chunk in chunks:
        digest.update(chunk)
        sent.inc(len(chunk))
        yield chunk
    log.sent(row_count=rows_sent(), sha256=digest.hexdigest())


def export_response(
    *,
    table: ExportTable,
    queryset: QuerySet,
    resource: str,
    file_format: str,
    title,
    user,
    filters: dict,
    source: str,
    request_id: str = "",
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    as_of: datetime.date | None = None,
) -> StreamingHttpResponse:
    """Log the export, then stream every row of `queryset` as `file_format`, its manifest (rows,
    SHA-256) written to the log when the stream ends; `X-Export-Id` names the log entry.

    The queryset is read with `.iterator(chunk_size=…)`: a server-side cursor on PostgreSQL, a constant
    number of queries per chunk (its select_related and annotations), and no list of all rows. Headers and
    labels are rendered in the language active now, even though the rows are written after the view returns.
    The bytes depend on the rows alone (the XLSX's inner timestamps are the day of `as_of`, else today),
    so the same export of a past day gives the same SHA-256.
    """
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    row_count = queryset.count()
    log = ExportLog.record(
        user=user,
        resource=resource,
        title=log_title(title),
        file_format=file_format,
        filters=filters,
        as_of=as_of,
        row_count=row_count,
        source=source,
        request_id=request_id,
    )
    language = translation.get_language()
    written = [row_count]

    def rows() -> Iterator[list]:
        count = 0
        for row in table.rows(table.prepare(queryset).iterator(chunk_size=chunk_size), chunk_size=chunk_size):
            count += 1
            yield row
        written[0] = count

    def content() -> Iterator[bytes]:
        with translation.override(language):
            headers = table.headers()
            if file_format == CSV and copy_expressions is not None:
                yield from csv_chunks(headers, ())
                written[0] = yield from copy_chunks(queryset, copy_expressions)
            elif file_format == CSV:
                yield from csv_chunks(headers, rows())
            else:
                yield from xlsx_chunks(headers, rows(), title=str(title), day=as_of or timezone.localdate())

    # On PostgreSQL a CSV whose every column SQL can write is written by COPY (core/exports/copy.py).
    copy_expressions = None
    if file_format == CSV and connections[queryset.db].vendor == "postgresql":
        with translation.override(language):
            copy_expressions = copy_columns(table, principal_of(user))

    response = StreamingHttpResponse(
        manifested(content(), log, lambda: written[0]), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = attachment_header(title=str(title), resource=resource, file_format=file_format)
    response["X-Export-Rows"] = str(row_count)
    response["X-Export-Id"] = str(log.pk)
    return response


class ExportMixin:
    """For the base viewsets: their list answers `?format=csv` and `?format=xlsx` with the whole filtered
    list (the same filter set as the JSON list, so the rows are exactly the JSON `count`), streamed.

    `export_fields` (serializer field names) chooses and orders the columns; by default every field the
    serializer reads. `export_resource` names the file; by default the list's URL segment.
    """

    export_fields: Sequence[str] | None = None
    export_resource: str | None = None
    export_chunk_size = DEFAULT_CHUNK_SIZE

    def get_renderers(self):
        renderers = super().get_renderers()
        # In the OpenAPI schema the export formats are a documented `format` parameter of the list (below),
        # not response media types that the JSON schema of a page would wrongly describe.
        if getattr(self, "action", None) == "list" and not getattr(self, "swagger_fake_view", False):
            renderers += [CSVRenderer(), XLSXRenderer()]
        return renderers

    def handle_exception(self, exc):
        # An export request that fails (unknown filter, no token, …) is answered in JSON, not as a file.
        request = getattr(self, "request", None)
        if isinstance(getattr(request, "accepted_renderer", None), ExportRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=["json", *FORMATS],
                description="`csv` or `xlsx`: the whole filtered list as a file (not one page): CSV in UTF-8 "
                "with a BOM, or XLSX; headers and values in the request's language (Accept-Language). "
                "See docs/api.md.",
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if isinstance(renderer, ExportRenderer):
            return self.export(request, renderer.format)
        return super().list(request, *args, **kwargs)

    def get_export_resource(self) -> str:
        if self.export_resource:
            return self.export_resource
        return self.request.path.rstrip("/").rsplit("/", 1)[-1]

    def export(self, request, file_format: str) -> StreamingHttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        serializer = self.get_serializer()
        return export_response(
            table=ExportTable(serializer, self.export_fields),
            queryset=queryset,
            resource=self.get_export_resource(),
            file_format=file_format,
            title=queryset.model._meta.verbose_name_plural,
            user=request.user,
            filters=filters_of(request.query_params),
            source=ChangeSource.API,
            request_id=getattr(request, "request_id", ""),
            chunk_size=self.export_chunk_size,
            as_of=requested_day(request) if request.query_params.get("as_of") else None,
        )
