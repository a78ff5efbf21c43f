"""The two file formats of an export, written row by row so memory stays flat whatever the list's size.

Formula safety (see docs/decisions/0040-streaming-exports-and-formula-safety.md): a spreadsheet runs a
cell that begins with `=`, `+`, `-` or `@` (and some versions one that begins with a tab or a carriage
return) as a formula, so a registered name such as `=HYPERLINK("http://…")` could run in an auditor's
Excel. In CSV such a text cell gets a leading apostrophe, which Excel shows as text; in XLSX every text
cell is written as a string cell (inline string, never `<f>`) in the Text number format, with Excel's
"quote prefix" on the ones that would otherwise read as formulas when edited.

The XLSX is written as SpreadsheetML text, row by row, straight into a streamed ZIP
(docs/decisions/0180-excel-ready-exports.md): codes and phone numbers stay text cells, dates are date
cells, columns are as wide as their content, the header row carries an auto-filter.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape, quoteattr

from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# An XLSX cell holds at most this many characters; Excel "repairs" (truncates) a file with longer ones.
XLSX_MAX_CELL_CHARS = 32767
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


XLSX_MIME_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'
    ),
    # Cell styles, by index: 0 general (numbers), 1 bold header text, 2 text, 3 text with the quote
    # prefix (formula-like text stays text when edited), 4 date, 5 date and time.
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="6">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
HEADER_STYLE, TEXT_STYLE, QUOTED_TEXT_STYLE, DATE_STYLE, DATETIME_STYLE = 1, 2, 3, 4, 5
SHEET_NAMESPACES = (
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
# Excel's day 0 (its serial dates count from here; 1900-03-01 onwards, past its 1900 leap-year bug).
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)
EXCEL_FIRST_DATE = datetime.date(1900, 3, 1)
# Column widths are measured on the header and the first rows (the widths come before the rows).
WIDTH_SAMPLE_ROWS = 1000
MIN_WIDTH, MAX_WIDTH = 6, 60
# Text an inline string carries as it is: no formula trigger first, no XML special or control character,
# no space at either end (those would need xml:space="preserve").
PLAIN_TEXT = re.compile(r"(?![=+\-@\s])[^&<>\x00-\x1f]*(?<!\s)\Z")
EXCEL_ERRORS = frozenset(ERROR_CODES)
XLSX_COMPRESS_LEVEL = 1
ZIP_EPOCH = datetime.date(1980, 1, 1)


def sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in str(title)).strip()
    return cleaned[:31] or "Sheet1"


def _text_xml(text: str, style: int) -> str:
    """An inline string cell (never a formula), whatever the text holds."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)[:XLSX_MAX_CELL_CHARS]
    if text.startswith(FORMULA_TRIGGERS) or text in ERROR_CODES:
        style = QUOTED_TEXT_STYLE if style == TEXT_STYLE else style
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c s="{style}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _excel_serial(value: datetime.date) -> float | int:
    if type(value) is datetime.date:
        return (value - EXCEL_FIRST_DATE).days + 61
    delta = value - EXCEL_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86400


def xlsx_cell_xml(value) -> str:
    """One cell of a data row: text as text, numbers as numbers, dates and timestamps as date cells.
    Cells carry no reference: each follows the one before, and an empty value is an empty cell."""
    if type(value) is str:  # most cells: plain text
        if len(value) <= XLSX_MAX_CELL_CHARS and PLAIN_TEXT.match(value) and value not in EXCEL_ERRORS:
            return f'<c s="2" t="inlineStr"><is><t>{value}</t></is></c>'
        return _text_xml(value, TEXT_STYLE)
    if value is None:
        return "<c/>"
    if isinstance(value, datetime.datetime):
        if value.date() >= EXCEL_FIRST_DATE:
            return f'<c s="{DATETIME_STYLE}"><v>{_excel_serial(value.replace(tzinfo=None))!r}</v></c>'
    elif isinstance(value, datetime.date):
        if value >= EXCEL_FIRST_DATE:
            return f'<c s="{DATE_STYLE}"><v>{_excel_serial(value)}</v></c>'
    elif isinstance(value, NUMBERS) and not isinstance(value, bool):
        if value.is_finite() if isinstance(value, decimal.Decimal) else math.isfinite(value):
            return f"<c><v>{value}</v></c>"
    return _text_xml(csv_cell(value) if isinstance(value, datetime.date) else str(value), TEXT_STYLE)


def display_width(value) -> int:
    """About how many character widths a value takes in Excel (Chinese characters take two)."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 19
    if isinstance(value, datetime.date):
        return 10
    text = str(value)[: MAX_WIDTH * 2]
    # Chinese characters are three bytes in UTF-8 and two widths on screen; ASCII one and one.
    return len(text) + (len(text.encode("utf-8")) - len(text)) // 2


def column_widths(headers: Sequence[str], sample: Sequence[Sequence]) -> list[float]:
    """Each column as wide as its widest value in `sample` or its header, within MIN_WIDTH..MAX_WIDTH."""
    widths = []
    for index, header in enumerate(headers):
        widest = max([display_width(header) + 2, *(display_width(row[index]) for row in sample if index < len(row))])
        widths.append(min(max(widest + 1, MIN_WIDTH), MAX_WIDTH))
    return widths


class _Sink:
    """Where the ZIP is written: bytes collected until the response takes them."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts, self.size = [], 0
        return data


def _sheet_top(headers: Sequence[str], widths: Sequence[float]) -> str:
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
        for index, width in enumerate(widths, start=1)
    )
    header = "".join(_text_xml(str(text), HEADER_STYLE) for text in headers)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {SHEET_NAMESPACES}>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f'<sheetData><row r="1">{header}</row>'
    )


def _workbook_xml(title: str, filter_ref: str | None) -> str:
    name = sheet_title(title)
    defined = ""
    if filter_ref:
        quoted = "'" + name.replace("'", "''") + "'"
        absolute = ":".join("$" + re.sub(r"(\d+)", r"$\1", part) for part in filter_ref.split(":"))
        defined = (
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(quoted)}!{absolute}</definedName></definedNames>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {SHEET_NAMESPACES}>'
        f'<sheets><sheet name={quoteattr(name)} sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>'
    )


def _zip_member(name: str, day: datetime.date) -> zipfile.ZipInfo:
    """A deflated ZIP member dated `day` at midnight: the archive's bytes depend on its content and
    that day alone, never on the clock (an export's SHA-256 is reproducible: core/exports/views.py)."""
    member = zipfile.ZipInfo(name, date_time=(max(day.year, 1980), day.month, day.day, 0, 0, 0))
    member.compress_type = zipfile.ZIP_DEFLATED
    member._compresslevel = XLSX_COMPRESS_LEVEL  # as ZipFile(compresslevel=…) sets it (an alias from 3.13 on)
    member.external_attr = 0o600 << 16
    return member


def xlsx_chunks(
    headers: Sequence[str], rows: Iterable[Sequence], *, title: str, day: datetime.date | None = None
) -> Iterator[bytes]:
    """One sheet: a bold, frozen header row with an auto-filter, then the rows, streamed as the ZIP is
    written (the file is never held whole: the sheet is deflated as it goes, ~64 KB at a time). The
    ZIP's members are dated `day` (default 1980-01-01, the first date a ZIP holds), not now."""
    day = day or ZIP_EPOCH
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    cell = xlsx_cell_xml
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESS_LEVEL)
    for name in ("[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/styles.xml"):
        archive.writestr(_zip_member(name, day), XLSX_MIME_PARTS[name])
    last_row = 1
    with archive.open(_zip_member("xl/worksheets/sheet1.xml", day), "w") as sheet:
        sheet.write(_sheet_top(headers, column_widths(headers, sample)).encode("utf-8"))
        parts: list[str] = []
        size = 0
        for row in itertools.chain(sample, rows):
            last_row += 1
            line = f'<row r="{last_row}">{"".join([cell(value) for value in row])}</row>'
            parts.append(line)
            size += len(line)
            if size >= STREAM_CHUNK_BYTES:
                sheet.write("".join(parts).encode("utf-8"))
                parts, size = [], 0
                if sink.size >= STREAM_CHUNK_BYTES:
                    yield sink.take()
        filter_ref = f"A1:{get_column_letter(len(headers))}{last_row}" if headers else None
        tail = "</sheetData>" + (f'<autoFilter ref="{filter_ref}"/>' if filter_ref else "") + "</worksheet>"
        sheet.write(("".join(parts) + tail).encode("utf-8"))
    archive.writestr(_zip_member("xl/workbook.xml", day), _workbook_xml(title, filter_ref))
    archive.close()
    yield sink.take()
