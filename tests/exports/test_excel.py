"""Exports people open in Excel: grades as 4A, dates as date cells, division names beside their codes,
codes as text, widths from the content, an auto-filter, Chinese file names, no column twice, and an
export log that names lists in Chinese (docs/decisions/0180-excel-ready-exports.md)."""

import datetime
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from core.choices import Role
from core.exports.resources import _resources_by_model
from core.exports.tables import ExportTable
from core.models import ExportLog
from tests.conftest import make_organization, make_user
from tests.exports.builders import content_of, read_csv, read_xlsx
from tests.exports.test_tables import viewset_of
from tests.ratings.builders import make_evaluation
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"
D = datetime.date


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def file_names(response) -> tuple[str, str]:
    """The ASCII `filename` and the UTF-8 `filename*` of a Content-Disposition header."""
    header = response["Content-Disposition"]
    assert header.startswith("attachment; ")
    params = dict(part.split("=", 1) for part in header.split("; ")[1:])
    assert params["filename"].isascii()
    encoded = params["filename*"]
    assert encoded.startswith("UTF-8''")
    return params["filename"].strip('"'), unquote(encoded.removeprefix("UTF-8''"))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_file_is_named_in_chinese_with_the_date_and_an_ascii_fallback(clerk_api, file_format):
    make_organization()
    today = timezone.localdate().strftime("%Y%m%d")
    response = clerk_api.get(URL, {"format": file_format})
    content_of(response)
    assert file_names(response) == (f"organizations-{today}.{file_format}", f"社会组织-{today}.{file_format}")


def test_filings_and_statistics_files_are_named_in_chinese_too(clerk_api):
    today = timezone.localdate().strftime("%Y%m%d")
    filings = clerk_api.get("/api/v1/community-organizations/", {"format": "xlsx"})
    assert file_names(filings)[1] == f"社区社会组织备案-{today}.xlsx"
    stats = clerk_api.get("/api/v1/stats/", {"format": "csv"})
    assert file_names(stats) == (f"stats-{today}.csv", f"统计数字-{today}.csv")


def test_an_english_reader_gets_an_english_file_name_and_the_log_stays_chinese(clerk_api):
    today = timezone.localdate().strftime("%Y%m%d")
    response = clerk_api.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    content_of(response)
    assert response["Content-Disposition"] == f'attachment; filename="organizations-{today}.csv"'
    assert ExportLog.objects.get().title == "社会组织"


def test_the_export_log_names_lists_in_chinese(clerk_api, clerk_browser):
    content_of(clerk_api.get(URL, {"format": "xlsx"}))
    content_of(clerk_api.get("/api/v1/evaluations/", {"format": "csv"}))
    content_of(clerk_api.get("/api/v1/stats/", {"format": "csv", "compare": "published"}))
    content_of(clerk_browser.get("/admin/registry/communityorganization/export/csv/"))
    titles = list(ExportLog.objects.order_by("id").values_list("resource", "title"))
    assert titles == [
        ("organizations", "社会组织"),
        ("evaluations", "评估等级"),
        ("stats-published", "统计数字与公布数字对照"),
        ("community-organizations", "社区社会组织备案"),
    ]
    assert str(ExportLog.objects.order_by("id").first()).endswith("社会组织.xlsx")
    listed = clerk_api.get("/api/v1/export-log/", {"resource": "organizations"}).json()["results"]
    assert [entry["title"] for entry in listed] == ["社会组织"]
    changelist = clerk_browser.get("/admin/core/exportlog/")
    assert changelist.status_code == 200 and "社区社会组织备案" in changelist.content.decode()


def xlsx_of(client, url, params=None):
    response = client.get(url, {**(params or {}), "format": "xlsx"})
    assert response.status_code == 200
    return response, read_xlsx(response)


def column_of(sheet, header: str):
    """The cells under `header` (the header row is the first)."""
    headers = [cell.value for cell in sheet[1]]
    index = headers.index(header) + 1
    return [sheet.cell(row=row, column=index) for row in range(2, sheet.max_row + 1)]


@pytest.mark.today("2026-06-01")
def test_organizations_xlsx_opens_in_excel_as_people_read_it(clerk_api):
    """Grade 4A, dates as date cells, an auto-filter on the header row, the file
    named in Chinese."""
    organization = make_organization(registered_on=D(2016, 2, 29), registered_by="330212", domicile_id="330212")
    make_evaluation(organization, grade=4, concluded_on=D(2024, 3, 1))
    response, sheet = xlsx_of(clerk_api, URL)
    assert file_names(response)[1] == "社会组织-20260601.xlsx"
    (grade,) = column_of(sheet, "当前评估等级")
    assert grade.value == "4A" and grade.data_type == "s"
    (valid_until,) = column_of(sheet, "评估等级有效期至")
    assert valid_until.is_date and valid_until.value.date() == D(2029, 2, 28)
    (registered,) = column_of(sheet, "登记日期")
    assert registered.is_date and registered.value.date() == D(2016, 2, 29)
    (created,) = column_of(sheet, "创建时间")
    assert created.is_date and created.value == timezone.localtime(organization.created).replace(
        tzinfo=None, microsecond=0
    )
    last_column = sheet.cell(row=1, column=sheet.max_column).column_letter
    assert sheet.auto_filter.ref == f"A1:{last_column}2"
    assert sheet.freeze_panes == "A2"


def test_community_township_district_codes_and_phones_are_text_cells(clerk_api):
    """A 12-digit community code is a text cell (never 3.30212E+11), as are the
    other long digit strings."""
    filing = make_filing(contact_phone="13812345678")
    _, sheet = xlsx_of(clerk_api, "/api/v1/community-organizations/")
    for header, value in [
        ("社区（村）", filing.community_id),
        ("镇乡（街道）", filing.township_id),
        ("联系电话", "13812345678"),
        ("备案编号", filing.filing_number),
    ]:
        (cell,) = column_of(sheet, header)
        assert (cell.value, cell.data_type, cell.number_format) == (value, "s", "@"), header
    assert len(filing.community_id) == 12


def test_the_grade_reads_as_its_label_in_every_list_that_shows_one(clerk_api):
    make_evaluation(grade=4, concluded_on=timezone.localdate())
    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    assert row[header.index("当前评估等级")] == "4A"
    header, row = read_csv(clerk_api.get("/api/v1/evaluations/", {"format": "csv"}))
    assert row[header.index("评估等级")] == "4A"


def all_export_headers(user) -> dict[str, list[str]]:
    """The header row of every API list's export, as the user would get it."""
    headers = {}
    for resource in _resources_by_model().values():
        viewset = viewset_of(resource, user)
        headers[resource.name] = ExportTable(viewset.get_serializer(), viewset.export_fields).headers()
    return headers


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_export_has_a_column_twice(language):
    """Every list's export, no header twice (the evaluations export had 评估等级
    and 等级（1A–5A）)."""
    with translation.override(language):
        headers = all_export_headers(make_user(Role.CLERK))
    assert len(headers) >= 10
    twice = {name: [h for h in row if row.count(h) > 1] for name, row in headers.items()}
    assert not {name: found for name, found in twice.items() if found}
    if language == "zh-hans":
        assert "评估等级" in headers["evaluations"] and "等级（1A–5A）" not in headers["evaluations"]


def test_the_evaluations_file_shows_the_grade_once(clerk_api):
    make_evaluation(grade=5)
    _, sheet = xlsx_of(clerk_api, "/api/v1/evaluations/")
    header = [cell.value for cell in sheet[1]]
    assert len(header) == len(set(header)) and "等级（1A–5A）" not in header
    assert [cell.value for cell in column_of(sheet, "评估等级")] == ["5A"]


def test_a_divisions_name_stands_beside_its_code(clerk_api):
    make_organization(registered_by="330212", domicile_id="330203")
    filing = make_filing()
    header, row = read_csv(clerk_api.get(URL, {"format": "csv"}))
    at = header.index("住所地区县")
    assert header[at + 1] == "住所地区县名称" and row[at : at + 2] == ["330203", "海曙区"]
    at = header.index("登记管理机关")
    assert header[at + 1] == "登记管理机关名称" and row[at : at + 2] == ["330212", "鄞州区"]
    _, sheet = xlsx_of(clerk_api, "/api/v1/community-organizations/")
    headers = [cell.value for cell in sheet[1]]
    values = [cell.value for cell in sheet[2]]
    for code_header, code, name in [
        ("镇乡（街道）", filing.township_id, filing.township.name),
        ("社区（村）", filing.community_id, filing.community.name),
        ("区（县、市）", "330212", "鄞州区"),
    ]:
        at = headers.index(code_header)
        assert headers[at + 1] == f"{code_header}名称" and values[at : at + 2] == [code, name]
    english = read_csv(clerk_api.get(URL, {"format": "csv"}, HTTP_ACCEPT_LANGUAGE="en"))[0]
    assert english[english.index("Domicile district") + 1] == "Domicile district name"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_clerks_filings_export_reads_no_district_per_row(clerk_api, file_format):
    """A clerk sees every contact phone in full: no record's district is looked up to decide masking."""
    make_filing()
    clerk_api.get("/api/v1/community-organizations/")
    with CaptureQueriesContext(connection) as one:
        content_of(clerk_api.get("/api/v1/community-organizations/", {"format": file_format}))
    for _ in range(5):
        make_filing()
    with CaptureQueriesContext(connection) as six:
        content_of(clerk_api.get("/api/v1/community-organizations/", {"format": file_format}))
    assert len(six) == len(one), [query["sql"] for query in six.captured_queries]


def test_csv_keeps_codes_as_the_bare_digits_other_systems_read(clerk_api):
    """Decision 0180: the CSV is for other systems and stays plain (no tab, no ="…", no apostrophe before
    a code); the XLSX is the file for Excel."""
    filing = make_filing(contact_phone="13812345678")
    header, row = read_csv(clerk_api.get("/api/v1/community-organizations/", {"format": "csv"}))
    assert row[header.index("社区（村）")] == filing.community_id
    assert row[header.index("联系电话")] == "13812345678"


def test_columns_are_as_wide_as_their_content(clerk_api):
    make_organization(name="宁波市鄞州区" + "社区公益服务发展促进" * 2 + "协会", address="")
    _, sheet = xlsx_of(clerk_api, URL)
    headers = [cell.value for cell in sheet[1]]

    def width(header):
        return sheet.column_dimensions[sheet.cell(row=1, column=headers.index(header) + 1).column_letter].width

    assert width("名称") >= 2 * 28  # 28 Chinese characters, two widths each
    assert width("ID") < 10
    assert 10 <= width("登记日期") < 16  # yyyy-mm-dd, or the header's four characters
    assert width("住所") < 10  # empty: as wide as its header
