"""Reading an uploaded spreadsheet (CSV in UTF-8 or GBK, or XLSX) into a header and numbered rows,
within the size and row limits."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024


def max_rows() -> int:
    return settings.REGISTRY_IMPORT_MAX_ROWS


class ImportFileError(Exception):
    """The file cannot be read as a table (wrong format, encoding, empty, too large)."""


def read_table(name: str, content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """The header row and the data rows (with their row numbers in the file; blank rows skipped)."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
    lower = name.lower()
    if lower.endswith(".xlsx"):
        records = _xlsx_records(content)
    elif lower.endswith(".csv") or lower.endswith(".txt"):
        records = _csv_records(content)
    else:
        raise ImportFileError(_("Upload a CSV file or an Excel .xlsx file (an old .xls must be saved as .xlsx)."))
    header = None
    rows = []
    for number, values in enumerate(records, start=1):
        values = list(values)
        if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
            continue
        if header is None:
            header = ["" if value is None else str(value).strip() for value in values]
            continue
        rows.append((number, values))
        if len(rows) > max_rows():
            raise ImportFileError(_("The file has more than %(n)d rows; split it.") % {"n": max_rows()})
    if header is None:
        raise ImportFileError(_("The file is empty."))
    return header, rows


def _csv_records(content: bytes) -> Iterable[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel in Chinese saves "CSV" in GBK
        except UnicodeDecodeError:
            raise ImportFileError(_("The CSV file is neither UTF-8 nor GBK text.")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_records(content: bytes) -> Iterable[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, KeyError) for a file that is not XLSX
        raise ImportFileError(_("The file is not a readable Excel .xlsx file.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
