"""The statistics as a table, one row per figure, for `stats/?format=csv|xlsx`: written by the same
formula-safe writers as every list export (core.exports.writers) and recorded in the export log."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import ChangeSource
from core.exports.views import CONTENT_TYPES, CSV, attachment_header, filters_of, log_title, manifested
from core.exports.writers import csv_chunks, xlsx_chunks
from core.models import ExportLog
from reports import published
from reports.choices import FigureUnit
from reports.labels import flatten, label_for


def _number(value):
    """A figure as a spreadsheet number: amounts (strings in JSON) as decimals, whole numbers as int."""
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    return value


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def statistics_table(data: dict) -> tuple[list[str], Iterator[list]]:
    """Headers and rows: one row per figure of the statistics."""
    headers = [_("statistic"), _("label"), _("value"), _("date of the figures"), _("district")]
    figures = {name: value for name, value in data.items() if name not in {"as_of", "district", "published"}}

    def rows():
        for key, value in flatten(figures):
            yield [key, label_for(key), _number(value), data["as_of"], data["district"] or ""]

    return headers, rows()


def comparison_table(results: list[published.FigureCheck]) -> tuple[list[str], Iterator[list]]:
    """Headers and rows: one row per published figure, against the registry on its reference date."""
    headers = [
        _("statistic"), _("label"), _("district"), _("published value"), _("unit"), _("reference date"),
        _("comparison rule"), _("approximate"), _("register"), _("difference"), _("agrees"),
        _("sentence of the reply"), _("note"),
    ]  # fmt: skip

    def rows():
        for result in results:
            figure = result.figure
            unit = FigureUnit(figure.unit)
            yield [
                figure.key, figure.label, figure.district_id or "", _number(figure.value), unit.label,
                figure.reference_date, figure.get_comparison_display(), _yes_no(figure.approximate),
                _number(result.registry_value), _number(result.difference), _yes_no(result.faithful),
                figure.sentence, figure.note,
            ]  # fmt: skip

    return headers, rows()


def statistics_export(*, request, data: dict, file_format: str, compare: bool) -> StreamingHttpResponse:
    """Log the export and answer the file (`统计-20261128.csv`, ASCII fallback `stats-20261128.csv`)."""
    if compare:
        results = published.published_comparisons(district=data["district"])
        headers, rows = comparison_table(results)
        resource, row_count = "stats-published", len(results)
        title = gettext_lazy("Statistics against the published figures")
    else:
        headers, rows = statistics_table(data)
        resource = "stats"
        title = gettext_lazy("Statistics")
        row_count = len(flatten({k: v for k, v in data.items() if k not in {"as_of", "district"}}))
    as_of = data.get("as_of")
    if isinstance(as_of, str):
        as_of = datetime.date.fromisoformat(as_of)
    log = ExportLog.record(
        user=request.user,
        resource=resource,
        title=log_title(title),
        file_format=file_format,
        filters=filters_of(request.query_params),
        as_of=as_of,
        row_count=row_count,
        source=ChangeSource.API,
        request_id=getattr(request, "request_id", ""),
    )
    if file_format == CSV:
        chunks = csv_chunks(headers, rows)
    else:
        chunks = xlsx_chunks(headers, rows, title=str(title), day=as_of)
    response = StreamingHttpResponse(
        manifested(chunks, log, lambda: row_count), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = attachment_header(title=str(title), resource=resource, file_format=file_format)
    response["X-Export-Rows"] = str(row_count)
    response["X-Export-Id"] = str(log.pk)
    return response
