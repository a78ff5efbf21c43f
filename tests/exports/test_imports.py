"""Imports of spreadsheets in the admin: a dry run listing every error and writing nothing, then an atomic import."""

import io
import re

import pytest
from openpyxl import Workbook

from core.choices import ChangeAction, ChangeSource, Role
from core.imports.tables import CellError
from core.models import ChangeRecord
from registry.choices import OrgType
from registry.models import Organization
from tests.conftest import make_organization, make_uscc, make_user
from tests.exports.builders import content_of

pytestmark = pytest.mark.django_db
URL = "/admin/registry/organization/import/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def csv_file(lines: list[str], *, name: str = "organizations.csv", encoding: str = "utf-8-sig") -> io.BytesIO:
    upload = io.BytesIO("\n".join(lines).encode(encoding))
    upload.name = name
    return upload


def xlsx_file(rows: list[list], *, name: str = "organizations.xlsx") -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = name
    return upload


def check(client, upload):
    response = client.post(URL, {"file": upload})
    assert response.status_code == 200
    return response.context["report"], response.context["token"]


def test_dry_run_reports_every_error_by_row_column_value_and_writes_nothing(clerk_browser):
    existing = make_organization()
    good = make_uscc()
    code = make_uscc()
    bad_check = code[:17] + ("0" if code[17] != "0" else "1")  # a wrong check character
    report, token = check(
        clerk_browser,
        csv_file(
            [
                "统一社会信用代码,名称,类型,登记管理机关,登记日期,枢纽型社会组织",
                f"{good},甲协会,社会团体,330212,2020-05-01,是",
                f"{bad_check},乙协会,社会团体,330212,2020-05-01,否",
                f"{make_uscc()},丙协会,社团,330299,2020-13-01,也许",
                f"{existing.uscc},,基金会,,,",
                f"{good},重复协会,社会团体,330212,2020-05-01,否",
            ]
        ),
    )
    assert token is None and not report.written
    found = {(error.row, error.column, error.value) for error in report.errors}
    assert found == {
        (3, "统一社会信用代码", bad_check),
        (4, "类型", "社团"),
        (4, "登记管理机关", "330299"),
        (4, "登记日期", "2020-13-01"),
        (4, "枢纽型社会组织", "也许"),
        (5, "统一社会信用代码", existing.uscc),  # position 2 says social group, the row says foundation
        (6, "统一社会信用代码", good),  # the same code as row 2
    }
    assert all(error.message for error in report.errors)
    assert not Organization.objects.exclude(pk=existing.pk).exists()
    assert not ChangeRecord.objects.filter(source=ChangeSource.IMPORT).exists()


def test_the_report_page_lists_the_errors_in_chinese(clerk_browser):
    response = clerk_browser.post(URL, {"file": csv_file(["统一社会信用代码,名称", "123,甲"])})
    page = response.content.decode()
    assert "未写入任何数据" in page and "统一社会信用代码" in page and "行" in page
    assert 'name="confirm"' not in page


def test_unknown_columns_refuse_the_file(clerk_browser):
    report, token = check(clerk_browser, csv_file(["统一社会信用代码,名称,备注", f"{make_uscc()},甲协会,x"]))
    assert token is None
    assert report.errors == [CellError(1, "备注", "备注", "未知的列。")]


def test_read_only_columns_are_ignored_and_said_so(clerk_browser):
    organization = make_organization()
    report, token = check(clerk_browser, csv_file(["uscc,status,address", f"{organization.uscc},已注销,新地址"]))
    assert report.ok and report.ignored_columns == ["status"] and token


def test_confirm_imports_atomically_with_history_source_import(clerk_browser):
    existing = make_organization(name="旧名称")
    created_code = make_uscc()
    upload = csv_file(
        [
            "uscc,name,org_type,registered_by,registered_on,is_hub,phone",
            f"{created_code},新协会,Social group,330212,2020年5月1日,yes,13812345678",
            f"{existing.uscc.lower()},新名称,,,,,",
        ],
        encoding="gb18030",
    )  # Excel in Chinese saves CSV in GBK
    report, token = check(clerk_browser, upload)
    assert report.ok and (report.rows, report.created, report.updated) == (2, 1, 1)
    assert not Organization.objects.filter(uscc=created_code).exists()  # the dry run wrote nothing

    response = clerk_browser.post(URL, {"token": token, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == "/admin/registry/organization/"
    created = Organization.objects.get(uscc=created_code)
    assert (created.name, created.is_hub, str(created.registered_on)) == ("新协会", True, "2020-05-01")
    existing.refresh_from_db()
    assert existing.name == "新名称" and existing.phone == "13812345678"  # an empty cell changes nothing
    sources = set(
        ChangeRecord.objects.filter(object_id__in=[created.pk, existing.pk])
        .exclude(source=ChangeSource.SYSTEM)
        .values_list("source", "action")
    )
    assert sources == {(ChangeSource.IMPORT, ChangeAction.CREATE), (ChangeSource.IMPORT, ChangeAction.UPDATE)}


def test_xlsx_with_english_field_names_and_date_cells(clerk_browser):
    import datetime

    code = make_uscc(OrgType.FOUNDATION, "330200")
    report, token = check(
        clerk_browser,
        xlsx_file(
            [
                ["uscc", "name", "org_type", "registered_by", "registered_on", "phone"],
                [code, "宁波市测试基金会", "基金会", 330200, datetime.datetime(2012, 3, 4), 13812345678],
            ]
        ),
    )
    assert report.ok, report.errors
    clerk_browser.post(URL, {"token": token, "confirm": "1"})
    foundation = Organization.objects.get(uscc=code)
    assert foundation.registered_by_id == "330200" and foundation.phone == "13812345678"
    assert str(foundation.registered_on) == "2012-03-04"


def test_an_exported_file_imports_back_as_it_is(clerk_browser, clerk_api):
    make_organization(name='=HYPERLINK("http://example.com")', is_hub=True)
    make_organization(org_type=OrgType.FOUNDATION, registered_by_id="330200")
    for file_format in ("csv", "xlsx"):
        exported = content_of(clerk_api.get("/api/v1/organizations/", {"format": file_format}))
        upload = io.BytesIO(exported)
        upload.name = f"organizations.{file_format}"
        report, token = check(clerk_browser, upload)
        assert report.ok, report.errors
        assert (report.created, report.updated) == (0, 2) and token
    assert Organization.objects.filter(name='=HYPERLINK("http://example.com")').exists()


def test_a_tampered_or_foreign_confirmation_is_refused(clerk_browser, client):
    report, token = check(
        clerk_browser,
        csv_file(
            ["uscc,name,org_type,registered_by,registered_on", f"{make_uscc()},甲协会,社会团体,330212,2020-05-01"]
        ),
    )
    assert report.ok
    tampered = clerk_browser.post(URL, {"token": token[:-2] + "xx", "confirm": "1"})
    assert tampered.status_code == 302 and tampered["Location"] == URL
    client.force_login(make_user(Role.CLERK))  # another clerk replays the first one's reviewed file
    assert client.post(URL, {"token": token, "confirm": "1"}).status_code == 302
    assert not Organization.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(clerk_browser):
    report, _token = check(clerk_browser, csv_file(["x"], name="organizations.pdf"))
    assert not report.ok and "CSV" in report.errors[0].message
    broken = io.BytesIO(b"not a zip")
    broken.name = "organizations.xlsx"
    report, _token = check(clerk_browser, broken)
    assert not report.ok and "xlsx" in report.errors[0].message


def test_the_change_list_links_to_the_import_for_clerks_only(clerk_browser, client):
    assert re.search(
        r'href="/admin/registry/organization/import/"',
        clerk_browser.get("/admin/registry/organization/").content.decode(),
    )
    assert clerk_browser.get(URL).status_code == 200
    client.force_login(make_user(Role.AUDITOR))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": csv_file(["uscc", make_uscc()])}).status_code == 403
