"""Builders for the export, bulk and import tests: read a streamed file back, make bulk rows."""

import csv
import io

from openpyxl import load_workbook

from registry.choices import OrgType
from tests.conftest import make_uscc

BOM = b"\xef\xbb\xbf"


def content_of(response) -> bytes:
    assert response.streaming, "exports are streamed"
    return b"".join(response.streaming_content)


def read_csv(response) -> list[list[str]]:
    """The rows of a CSV export (header first), after checking it starts with the UTF-8 BOM."""
    data = content_of(response)
    assert data.startswith(BOM), data[:20]
    return list(csv.reader(io.StringIO(data[len(BOM) :].decode("utf-8"), newline="")))


def read_xlsx(response):
    """The first sheet of an XLSX export, as openpyxl reads it back."""
    return load_workbook(io.BytesIO(content_of(response))).worksheets[0]


def sheet_values(sheet) -> list[list]:
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def org_row(**fields) -> dict:
    """A bulk row that creates a valid 鄞州区 social group."""
    row = {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, "330212"),
        "name": "鄞州区批量同步测试协会",
        "org_type": "social_group",
        "registered_by": "330212",
        "registered_on": "2020-05-01",
        "phone": "13812345678",
    }
    row.update(fields)
    return row
