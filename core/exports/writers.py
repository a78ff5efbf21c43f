"""The two file formats of an export, written row by row so memory stays flat whatever the list's size.

Formula safety (see docs/decisions/0040-streaming-exports-and-formula-safety.md): a spreadsheet runs a
cell that begins with `=`, `+`, `-` or `@` (and some versions one that begins with a tab or a carriage
return) as a formula, so a registered name such as `=HYPERLINK("http://…")` could run in an auditor's
Excel. In CSV such a text cell gets a leading apostrophe, which Excel shows as text; in XLSX every text
cell is written as a string cell (inline string, never `<f>`), with Excel's "quote prefix" on the ones
that would otherwise read as formulas when edited.
"""

from __future__ import annotations

import datetime
import decimal
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# An XLSX cell holds at most this many characters; Excel "repairs" (truncates) a file with longer ones.
XLSX_MAX_CELL_CHARS = 32767
# Written to memory until this size, then to a temporary file on disk.
XLSX_SPOOL_BYTES = 8 * 1024 * 1024
STREAM_CHUNK_BYTES = 64 * 1024
NUMBERS = (int, float, decimal.Decimal)
CSV_QUOTED = re.compile('[,"\r\n]')


def inert_csv_text(text: str) -> str:
    """A text cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, NUMBERS) and not isinstance(value, bool):
        return str(value)
    return inert_csv_text(str(value))


def csv_field(text: str) -> str:
    """A field as PostgreSQL's COPY writes it in CSV (so the two export paths give the same bytes):
    quoted when it holds a comma, a quote, a carriage return or a line feed."""
    if CSV_QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Sequence) -> str:
    return ",".join([csv_field(csv_cell(value)) for value in values]) + "\n"


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    """UTF-8 with a BOM (so Excel reads Chinese), one header row, then the rows, in chunks of ~64 KB.
    Lines end in LF, as COPY writes them (core/exports/copy.py)."""
    parts = [BOM, csv_line(headers)]
    size = 0
    for row in rows:
        line = csv_line(row)
        parts.append(line)
        size += len(line)
        if size >= STREAM_CHUNK_BYTES:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    yield "".join(parts).encode("utf-8")


def xlsx_text_cell(sheet, text: str, **style) -> WriteOnlyCell:
    """A string cell, whatever the text begins with (openpyxl would make `=…` a formula)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_MAX_CELL_CHARS]
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def xlsx_cell(sheet, value):
    if type(value) is str:  # most cells: plain text that openpyxl writes as a string cell as it is
        if (
            len(value) <= XLSX_MAX_CELL_CHARS
            and not value.startswith(FORMULA_TRIGGERS)
            and value not in ERROR_CODES
            and ILLEGAL_CHARACTERS_RE.search(value) is None
        ):
            return value
    elif value is None:
        return None
    elif isinstance(value, (*NUMBERS, datetime.date)) and not isinstance(value, bool):
        return value  # dates get a date format from openpyxl
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:XLSX_MAX_CELL_CHARS]
    if text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
        return xlsx_text_cell(sheet, text)
    return text


def sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in str(title)).strip()
    return cleaned[:31] or "Sheet1"


def xlsx_chunks(headers: Sequence[str], rows: Iterable[Sequence], *, title: str) -> Iterator[bytes]:
    """One sheet: a bold, frozen header row, then the rows.

    openpyxl's write-only mode writes each row to its own temporary file as it is appended; the finished
    workbook goes to a spooled temporary file and is streamed from there, so neither the rows nor the file
    are ever held in memory whole.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(str(header)) * 2.2, 12), 40)
    bold = Font(bold=True)
    sheet.append([xlsx_text_cell(sheet, str(header), font=bold) for header in headers])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    with tempfile.SpooledTemporaryFile(max_size=XLSX_SPOOL_BYTES) as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(STREAM_CHUNK_BYTES):
            yield chunk
