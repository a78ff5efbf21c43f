"""Exports of API lists to CSV and XLSX (DESIGN §4): the whole filtered list, for people, formula-safe, logged."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.choices import ChangeSource
from core.models import ExportLog
from registry.api.views import OrganizationViewSet
from registry.choices import OrgType
from tests.conftest import make_organization
from tests.exports.builders import content_of, read_csv, read_xlsx, sheet_values
from tests.registry.builders import make_annual_report, make_credit_entry, make_party_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"
FORMULA_PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
HYPERLINK = '=HYPERLINK("http://example.com")'


def some_organizations():
    make_organization(org_type=OrgType.FOUNDATION, registered_by_id="330200", registered_on=datetime.date(2010, 3, 1))
    make_organization(org_type=OrgType.FOUNDATION, registered_by_id="330212", registered_on=datetime.date(2019, 1, 1))
    make_organization(registered_by_id="330203", registered_on=datetime.date(2018, 6, 30), name="海曙区慈善协会")
    make_organization(
        org_type=OrgType.SOCIAL_SERVICE, registered_by_id="330212", registered_on=datetime.date(2021, 7, 1)
    )
    make_organization(registered_by_id="330212", registered_on=datetime.date(2016, 2, 2), is_hub=True)


def test_foundations_csv_has_bom_chinese_headers_and_exactly_count_rows(clerk_api):
    some_organizations()
    count = clerk_api.get(URL, {"org_type": "foundation"}).json()["count"]
    response = clerk_api.get(f"{URL}?format=csv&org_type=foundation")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)  # checks the BOM
    assert rows[0][:4] == ["ID", "统一社会信用代码", "名称", "类型"]
    assert len(rows) - 1 == count == 2
    assert {row[3] for row in rows[1:]} == {"基金会"}


def test_english_headers_and_labels_with_accept_language_en(clerk_api):
    make_organization(is_hub=True)
    rows = read_csv(clerk_api.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))
    header = dict(zip(rows[0], rows[1], strict=True))
    assert header["Unified social credit code"] and header["Type"] == "Social group"
    assert (
        header["Status"] == "Active" and header["Hub organization"] == "Yes" and header["Support organization"] == "No"
    )


def test_choices_booleans_and_dates_read_as_people_read_them(clerk_api):
    organization = make_organization(is_hub=True, registered_on=datetime.date(2016, 2, 29))
    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    values = dict(zip(header, row, strict=True))
    assert values["类型"] == "社会团体" and values["登记层级"] == "区县级" and values["状态"] == "正常"
    assert values["枢纽型社会组织"] == "是" and values["支持型社会组织"] == "否"
    assert values["登记日期"] == "2016-02-29"
    assert values["创建时间"] == timezone.localtime(organization.created).strftime("%Y-%m-%d %H:%M:%S")

    sheet = read_xlsx(clerk_api.get(URL, {"format": "xlsx"}))
    header, row = sheet_values(sheet)
    values = dict(zip(header, row, strict=True))
    registered = sheet.cell(row=2, column=header.index("登记日期") + 1)
    assert registered.is_date and registered.value.date() == datetime.date(2016, 2, 29)
    assert values["ID"] == organization.pk  # a number cell
    assert values["类型"] == "社会团体" and values["枢纽型社会组织"] == "是"
    assert sheet.freeze_panes == "A2"


def test_nested_facts_read_as_one_line_of_labels(clerk_api):
    organization = make_organization()
    make_annual_report(organization, year=2022)
    make_credit_entry(organization, listed_on=datetime.date(2022, 6, 1), reason="未按时年检")
    make_party_organization(organization)
    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    values = dict(zip(header, row, strict=True))
    assert values["已建立党组织"] == "是"
    assert values["最近年度工作报告"] == "2022 合格"
    assert values["信用名录"] == "活动异常名录 2022-06-01 未按时年检"


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES, ids=["equals", "plus", "minus", "at", "tab", "cr"])
def test_each_formula_prefix_is_inert_in_csv_and_xlsx(clerk_api, prefix):
    text = f"{prefix}1+1"
    make_organization(supervising_unit=text)

    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    assert row[header.index("业务主管单位")] == f"'{text}"

    sheet = read_xlsx(clerk_api.get(URL, {"format": "xlsx"}))
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    column = [cell.value for cell in sheet[1]].index("业务主管单位")
    cell = sheet.cell(row=2, column=column + 1)
    assert cell.data_type == "s"
    assert cell.value.replace("\n", "\r") == text.replace("\n", "\r")  # XML reads a lone CR back as LF


def test_hyperlink_name_exports_as_inert_text(clerk_api):
    make_organization(name=HYPERLINK)
    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    assert row[header.index("名称")] == "'" + HYPERLINK

    sheet = read_xlsx(clerk_api.get(URL, {"format": "xlsx"}))
    name = sheet.cell(row=2, column=[cell.value for cell in sheet[1]].index("名称") + 1)
    assert name.value == HYPERLINK and name.data_type == "s"
    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"org_type": "foundation"},
        {"registration_level": "city"},
        {"district": "330212"},
        {"registered_from": "2017-01-01", "registered_until": "2020-12-31"},
        {"q": "慈善"},
        {"org_type": "social_group", "domicile": "330212"},
        {"status": "deregistered"},
    ],
)
def test_export_rows_equal_the_lists_count(clerk_api, filters):
    some_organizations()
    count = clerk_api.get(URL, filters).json()["count"]
    assert len(read_csv(clerk_api.get(URL, {**filters, "format": "csv"}))) - 1 == count
    assert len(sheet_values(read_xlsx(clerk_api.get(URL, {**filters, "format": "xlsx"})))) - 1 == count


def test_export_is_the_whole_list_not_one_page(clerk_api):
    for _ in range(7):
        make_organization()
    assert clerk_api.get(URL, {"page_size": 3}).json()["count"] == 7
    assert len(read_csv(clerk_api.get(URL, {"format": "csv", "page_size": 3, "page": 2}))) - 1 == 7


def test_export_follows_the_lists_ordering(clerk_api):
    some_organizations()
    json_ids = [row["id"] for row in clerk_api.get(URL, {"ordering": "-registered_on"}).json()["results"]]
    csv_ids = [int(row[0]) for row in read_csv(clerk_api.get(URL, {"ordering": "-registered_on", "format": "csv"}))[1:]]
    assert csv_ids == json_ids


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_unknown_filter_on_an_export_is_a_json_400_naming_it(clerk_api, file_format):
    make_organization()
    response = clerk_api.get(URL, {"format": file_format, "org_typ": "foundation"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "org_typ" in response.json()
    bad_value = clerk_api.get(URL, {"format": file_format, "registered_from": "yesterday"})
    assert bad_value.status_code == 400 and "registered_from" in bad_value.json()
    assert not ExportLog.objects.exists()


def test_anonymous_export_is_401(anonymous_api):
    response = anonymous_api.get(URL, {"format": "csv"})
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")


def test_phone_is_masked_for_another_districts_token_as_in_json(haishu_api, yinzhou_api, auditor_api):
    make_organization(registered_by_id="330212", phone="13812345678")

    def phone(client):
        header, row = read_csv(client.get(URL, {"format": "csv"}))
        return row[header.index("法定代表人电话")]

    assert phone(haishu_api) == "138****5678" == haishu_api.get(URL).json()["results"][0]["phone"]
    assert phone(yinzhou_api) == "13812345678"
    assert phone(auditor_api) == "13812345678"
    sheet = read_xlsx(haishu_api.get(URL, {"format": "xlsx"}))
    assert "138****5678" in sheet_values(sheet)[1]


def test_every_export_is_logged(auditor, auditor_api):
    some_organizations()
    response = auditor_api.get(
        URL, {"format": "xlsx", "org_type": "foundation", "page": "2"}, HTTP_X_REQUEST_ID="audit-42"
    )
    content_of(response)
    log = ExportLog.objects.get()
    assert (log.user, log.user_name, log.resource, log.file_format) == (
        auditor,
        auditor.username,
        "organizations",
        "xlsx",
    )
    assert log.filters == {"org_type": "foundation"} and log.row_count == 2
    assert log.source == ChangeSource.API and log.request_id == "audit-42"


def test_file_name_says_what_and_when(clerk_api):
    response = clerk_api.get(URL, {"format": "csv"})
    today = timezone.localdate().strftime("%Y%m%d")
    chinese = "%E7%A4%BE%E4%BC%9A%E7%BB%84%E7%BB%87"  # 社会组织
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"organizations-{today}.csv\"; filename*=UTF-8''{chinese}-{today}.csv"
    )
    xlsx = clerk_api.get(URL, {"format": "xlsx"})
    assert xlsx["Content-Disposition"].endswith(f"filename*=UTF-8''{chinese}-{today}.xlsx")
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_read_only_lists_export_too(clerk_api):
    count = clerk_api.get("/api/v1/divisions/", {"level": "district"}).json()["count"]
    rows = read_csv(clerk_api.get("/api/v1/divisions/", {"level": "district", "format": "csv"}))
    assert rows[0][:3] == ["代码", "名称", "层级"] and len(rows) - 1 == count
    assert {row[2] for row in rows[1:]} == {"区（县、市）"}


def test_detail_endpoints_do_not_export(clerk_api):
    organization = make_organization()
    assert clerk_api.get(f"{URL}{organization.pk}/", {"format": "csv"}).status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_query_count_is_constant_per_chunk_whatever_the_size(clerk_api, monkeypatch, file_format):
    monkeypatch.setattr(OrganizationViewSet, "export_chunk_size", 10)
    make_organization()
    clerk_api.get(URL)  # the first use of a token records last_used; later ones do not write
    with CaptureQueriesContext(connection) as one_chunk:
        content_of(clerk_api.get(URL, {"format": file_format}))
    for _ in range(44):
        make_organization()
    with CaptureQueriesContext(connection) as five_chunks:
        content_of(clerk_api.get(URL, {"format": file_format}))
    # token (with its user's roles), count, export log, the rows (one cursor read in chunks; party_org and the
    # latest annual report are annotations), then per chunk the current credit-list entries of its rows,
    # and at the end the manifest (rows, SHA-256) written to the export log
    assert len(one_chunk) == 6, [query["sql"] for query in one_chunk.captured_queries]
    assert len(five_chunks) == 5 + 5, [query["sql"] for query in five_chunks.captured_queries]
