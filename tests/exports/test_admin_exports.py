"""Exports from the admin: the selected rows (an action) and the filtered list (a button), through the API's code."""

import re

import pytest

from core.choices import ChangeSource, Role
from core.models import ExportLog
from registry.choices import OrgType
from tests.conftest import make_organization, make_user
from tests.exports.builders import read_csv, read_xlsx, sheet_values

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/registry/organization/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def test_change_list_offers_export_buttons_and_actions(clerk_browser):
    make_organization()
    page = clerk_browser.get(CHANGELIST, {"org_type__exact": "foundation"}).content.decode()
    assert f"{CHANGELIST}export/csv/?org_type__exact=foundation" in page
    assert f"{CHANGELIST}export/xlsx/?org_type__exact=foundation" in page
    assert 'value="export_selected_csv"' in page and 'value="export_selected_xlsx"' in page
    assert "导出" in page


def test_action_exports_only_the_selected_rows_with_the_api_columns(clerk_browser, clerk_api):
    chosen = make_organization(name="选中的协会")
    make_organization(name="未选中的协会")
    response = clerk_browser.post(CHANGELIST, {"action": "export_selected_csv", "_selected_action": [chosen.pk]})
    assert response.status_code == 200 and response["Content-Disposition"].startswith(
        'attachment; filename="organizations-'
    )
    rows = read_csv(response)
    api_header = read_csv(clerk_api.get("/api/v1/organizations/", {"format": "csv"}))[0]
    assert rows[0] == api_header
    assert [row[2] for row in rows[1:]] == ["选中的协会"]

    xlsx = clerk_browser.post(CHANGELIST, {"action": "export_selected_xlsx", "_selected_action": [chosen.pk]})
    values = sheet_values(read_xlsx(xlsx))
    assert len(values) == 2 and "选中的协会" in values[1]


def test_button_exports_the_filtered_list_every_page(clerk_browser):
    for _ in range(3):
        make_organization(org_type=OrgType.FOUNDATION, registered_by_id="330200")
    make_organization(org_type=OrgType.SOCIAL_GROUP)
    response = clerk_browser.get(f"{CHANGELIST}export/csv/", {"org_type__exact": "foundation"})
    rows = read_csv(response)
    assert len(rows) - 1 == 3 and {row[3] for row in rows[1:]} == {"基金会"}
    log = ExportLog.objects.get()
    assert log.source == ChangeSource.ADMIN and log.filters == {"org_type__exact": "foundation"} and log.row_count == 3


def test_hyperlink_name_is_inert_in_admin_exports_too(clerk_browser):
    organization = make_organization(name='=HYPERLINK("http://example.com")')
    rows = read_csv(clerk_browser.get(f"{CHANGELIST}export/csv/"))
    assert rows[1][2] == '\'=HYPERLINK("http://example.com")'
    sheet = read_xlsx(
        clerk_browser.post(CHANGELIST, {"action": "export_selected_xlsx", "_selected_action": [organization.pk]})
    )
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_auditors_export_but_change_nothing(auditor_browser):
    organization = make_organization()
    page = auditor_browser.get(CHANGELIST).content.decode()
    actions = set(re.findall(r'<option value="([a-z_]+)"', page))
    assert actions == {"export_selected_csv", "export_selected_xlsx"}
    response = auditor_browser.post(
        CHANGELIST, {"action": "export_selected_csv", "_selected_action": [organization.pk]}
    )
    assert len(read_csv(response)) == 2
    assert "/import/" not in page
    assert auditor_browser.get(f"{CHANGELIST}import/").status_code == 403


def test_models_without_an_api_list_export_their_list_columns(clerk_browser):
    make_user(Role.DISTRICT, district="330212", staff=False, username="yinzhou-sync")  # an API client account
    rows = read_csv(clerk_browser.get("/admin/core/accessprofile/export/csv/"))
    assert rows[0] == ["用户", "区县代码", "镇街代码", "说明"]
    assert rows[1:] == [["yinzhou-sync", "330212", "", ""]]


def test_the_export_log_exports_the_columns_of_its_api_list(clerk_browser):
    make_organization()
    read_csv(clerk_browser.get(f"{CHANGELIST}export/csv/"))
    rows = read_csv(clerk_browser.get("/admin/core/exportlog/export/csv/"))
    assert rows[0][:6] == ["ID", "时间", "用户名", "列表", "列表名称", "格式"]
    assert [row[3:6] for row in rows[1:]] == [["export-log", "导出日志", "csv"], ["organizations", "社会组织", "csv"]]


def test_unknown_format_is_404(clerk_browser):
    assert clerk_browser.get(f"{CHANGELIST}export/pdf/").status_code == 404
