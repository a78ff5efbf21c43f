"""Procurement lists export to CSV and XLSX like every list (DESIGN §4): same filters, same rows, for people."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procurement.api.views import PurchasedServiceProjectViewSet, TransferredFunctionViewSet
from tests.conftest import make_organization
from tests.exports.builders import content_of, read_csv, read_xlsx, sheet_values
from tests.procurement.builders import award, make_department, make_function, make_project

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/purchased-services/"
FUNCTIONS = "/api/v1/transferred-functions/"
HYPERLINK = '=HYPERLINK("http://example.com")'


def test_a_filtered_project_export_has_the_lists_rows_in_chinese(clerk_api):
    department = make_department("宁波市民政局")
    provider = make_organization(name="宁波市社会工作协会")
    award(make_project(purchaser=department, year=2022, amount=Decimal("250000")), provider, datetime.date(2022, 3, 1))
    make_project(purchaser=department, year=2022)
    make_project(purchaser=department, year=2021)
    count = clerk_api.get(PROJECTS, {"year": 2022}).json()["count"]
    rows = read_csv(clerk_api.get(PROJECTS, {"year": 2022, "format": "csv"}))
    assert len(rows) - 1 == count == 2
    header = rows[0]
    assert {
        "名称",
        "购买主体名称",
        "年度",
        "金额（元）",
        "本年度单个项目购买金额上限（元）",
        "状态",
        "承接主体",
    } <= set(header)
    awarded = next(dict(zip(header, row, strict=True)) for row in rows[1:] if row[header.index("状态")] == "已签约")
    assert awarded["承接主体"] == provider.uscc  # a related organization is named by its credit code
    assert awarded["承接主体名称"] == "宁波市社会工作协会"
    assert Decimal(awarded["金额（元）"]) == Decimal("250000")
    assert awarded["签约时承接主体低于3A"] == "是"


def test_a_title_that_looks_like_a_formula_stays_text(clerk_api):
    make_project(title=HYPERLINK)
    rows = read_csv(clerk_api.get(PROJECTS, {"format": "csv"}))
    assert rows[1][rows[0].index("名称")] == "'" + HYPERLINK
    sheet = read_xlsx(clerk_api.get(PROJECTS, {"format": "xlsx"}))
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert HYPERLINK in sheet_values(sheet)[1]


def test_functions_export_their_receiving_organizations_by_name(clerk_api):
    function = make_function(name="行业发展报告编制")
    function.receiving_organizations.set([make_organization(name="宁波市电子商务协会")])
    header, row = read_csv(clerk_api.get(FUNCTIONS, {"format": "csv"}))
    values = dict(zip(header, row, strict=True))
    assert values["承接社会组织名称"] == "宁波市电子商务协会" and values["类别"] == "行业管理与服务"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_project_export_queries_are_constant_per_chunk(clerk_api, monkeypatch, file_format):
    monkeypatch.setattr(PurchasedServiceProjectViewSet, "export_chunk_size", 10)
    department = make_department()

    def build():
        award(make_project(purchaser=department), make_organization(), datetime.date(2022, 3, 1))

    build()
    clerk_api.get(PROJECTS)
    with CaptureQueriesContext(connection) as one_chunk:
        content_of(clerk_api.get(PROJECTS, {"format": file_format}))
    for _ in range(29):
        build()
    with CaptureQueriesContext(connection) as three_chunks:
        content_of(clerk_api.get(PROJECTS, {"format": file_format}))
    # token (with its user's roles), count, export log, the rows (one cursor; purchaser, provider, demand and cap
    # in it), then per chunk the providers' credit codes
    # (and at the end the manifest written to the export log)
    assert len(one_chunk) == 6, [query["sql"] for query in one_chunk.captured_queries]
    assert len(three_chunks) == 5 + 3, [query["sql"] for query in three_chunks.captured_queries]


def test_function_export_queries_are_constant_per_chunk(clerk_api, monkeypatch):
    monkeypatch.setattr(TransferredFunctionViewSet, "export_chunk_size", 10)
    department = make_department()

    def build():
        make_function(department=department).receiving_organizations.set([make_organization()])

    build()
    clerk_api.get(FUNCTIONS)
    with CaptureQueriesContext(connection) as one_chunk:
        content_of(clerk_api.get(FUNCTIONS, {"format": "csv"}))
    for _ in range(29):
        build()
    with CaptureQueriesContext(connection) as three_chunks:
        content_of(clerk_api.get(FUNCTIONS, {"format": "csv"}))
    # token (with its user's roles), count, export log, the rows, then per chunk the receiving organizations
    # (and at the end the manifest written to the export log)
    assert len(one_chunk) == 6, [query["sql"] for query in one_chunk.captured_queries]
    assert len(three_chunks) == 5 + 3, [query["sql"] for query in three_chunks.captured_queries]
