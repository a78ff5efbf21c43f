"""The clerks' dashboard in the admin: Chinese, server-drawn charts, linked from the index, read-only roles."""

import re

import pytest

from core.choices import Role
from registry.choices import OrgType
from tests.conftest import make_organization, make_user
from tests.reports.builders import D

pytestmark = pytest.mark.django_db
URL = "/admin/reports/dashboard/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def test_the_admin_index_links_the_dashboard(clerk_browser):
    page = clerk_browser.get("/admin/").content.decode()
    assert URL in page and "统计概览" in page


def test_the_dashboard_shows_figures_table_and_charts_in_chinese(clerk_browser):
    make_organization(org_type=OrgType.FOUNDATION, registered_by="330212", registered_on=D(2021, 5, 1))
    make_organization(org_type=OrgType.SOCIAL_GROUP, registered_by="330200", registered_on=D(2022, 5, 1))
    response = clerk_browser.get(URL, {"as_of": "2023-06-15"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "统计概览" in page and "主要数字" in page and "分区（县、市）" in page
    assert "鄞州区" in page and "市级（市民政局登记）" in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == len(response.context["charts"]) >= 2
    assert "每年新登记社会组织" in page
    assert "依法登记法人资格社会组织" in page  # the published figures held against the register


def test_the_dashboard_loads_nothing_from_elsewhere(clerk_browser):
    page = clerk_browser.get(URL).content.decode()
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', page)
    assert external == []


def test_the_dashboard_follows_the_date_and_district_asked(clerk_browser):
    make_organization(registered_by="330212", registered_on=D(2023, 6, 15))
    make_organization(registered_by="330203", registered_on=D(2020, 1, 1))
    before = clerk_browser.get(URL, {"as_of": "2023-06-14"}).context["cards"][0]
    on_the_day = clerk_browser.get(URL, {"as_of": "2023-06-15"}).context["cards"][0]
    assert (before["value"], on_the_day["value"]) == (1, 2)
    haishu = clerk_browser.get(URL, {"as_of": "2023-06-15", "district": "330203"}).context["cards"][0]
    assert haishu["value"] == 1


def test_an_invalid_date_falls_back_to_today_and_says_so(clerk_browser):
    response = clerk_browser.get(URL, {"as_of": "2023-02-30"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_auditors_read_the_dashboard(client):
    client.force_login(make_user(Role.AUDITOR))
    assert client.get(URL).status_code == 200


def test_others_may_not_see_it(client):
    assert client.get(URL).status_code == 302  # to the login page
    client.force_login(make_user(None))
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("model", ["publishedfigure", "document", "citation"])
def test_the_reply_lists_render_for_clerks_and_export(clerk_browser, model):
    listing = clerk_browser.get(f"/admin/reports/{model}/")
    assert listing.status_code == 200
    export = clerk_browser.get(f"/admin/reports/{model}/export/csv/")
    assert export.status_code == 200
    assert b"".join(export.streaming_content).decode("utf-8").startswith("\ufeff")


def test_the_dashboard_exports_what_it_shows_for_the_same_date_and_district(clerk_browser):
    make_organization(org_type=OrgType.FOUNDATION, registered_by="330212", registered_on=D(2021, 5, 1))
    page = clerk_browser.get(URL, {"as_of": "2023-06-15", "district": "330212"}).content.decode()
    links = re.findall(r'<a href="([^"]+)" class="button registry-export">([^<]+)</a>', page)
    assert [label for _url, label in links] == [
        "导出统计数字（CSV）",
        "导出统计数字（Excel）",
        "导出与公布数字对照（CSV）",
        "导出与公布数字对照（Excel）",
    ]
    for url, _label in links:
        url = url.replace("&amp;", "&")
        assert "as_of=2023-06-15" in url and "district=330212" in url
        response = clerk_browser.get(url)
        assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")


def test_the_chosen_district_stands_out_in_the_table_and_the_charts(clerk_browser):
    make_organization(registered_by="330212", registered_on=D(2021, 5, 1))
    page = clerk_browser.get(URL, {"as_of": "2023-06-15", "district": "330212"}).content.decode()
    (row,) = re.findall(r'<tr class="dashboard-selected">\s*<td>([^<]+)</td>', page)
    assert row == "鄞州区"
    assert page.count('font-weight="bold">鄞州区</text>') == 2  # both charts by district
    assert 'class="dashboard-selected"' not in clerk_browser.get(URL, {"as_of": "2023-06-15"}).content.decode()


def test_the_chosen_district_narrows_the_table_and_the_charts_by_district_to_its_own(clerk_browser):
    make_organization(registered_by="330212", registered_on=D(2021, 5, 1))
    make_organization(registered_by="330203", registered_on=D(2021, 5, 1))
    page = clerk_browser.get(URL, {"as_of": "2023-06-15", "district": "330212"}).content.decode()
    table = page.split('<table class="dashboard-table">')[1].split("</table>")[0]
    assert re.findall(r"<tr[^>]*>\s*<td>([^<]+)</td>", table) == ["鄞州区"]
    charts = page.split('class="dashboard-charts"')[1]
    assert ">海曙区</text>" not in charts and ">鄞州区</text>" in charts
    whole_city = clerk_browser.get(URL, {"as_of": "2023-06-15"}).content.decode()
    assert ">海曙区</text>" in whole_city.split('class="dashboard-charts"')[1]
