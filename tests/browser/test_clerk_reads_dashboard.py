"""A clerk opens the statistics dashboard from the admin's index: the key figures are the register's
as it stands today (a deregistered organization no longer counts), the charts are drawn, and the
figures can be narrowed to one district."""

import datetime
import re

import pytest
from django.utils import timezone

from core.choices import Role
from registry.choices import OrgType
from registry.services import organization_deregister
from tests.browser.admin_pages import expect, log_in
from tests.conftest import make_organization, make_user
from tests.ratings.builders import make_evaluation

pytestmark = pytest.mark.browser

CHARTS = [
    "各登记管理机关的社会组织（按类型）",
    "各区（县、市）社区社会组织（城市 / 农村）",
    "各评估等级的社会组织",
    "每年新登记社会组织",
]


def key_figures(page) -> dict[str, str]:
    cards = page.locator(".dashboard-card")
    expect(cards.first).to_be_visible()
    return {
        card.locator("div").first.inner_text().strip(): card.locator(".figure").inner_text().strip()
        for card in cards.all()
    }


def test_clerk_sees_todays_figures_and_the_charts_on_the_dashboard(page, site):
    page.set_viewport_size({"width": 1440, "height": 900})
    make_user(Role.CLERK, username="clerk-sun")
    rated = make_organization(name="宁波市鄞州区社区服务协会", registered_by="330212")
    make_organization(name="宁波市鄞州区老年大学校友会", registered_by="330212")
    make_organization(name="宁波市鄞州区助残服务中心", org_type=OrgType.SOCIAL_SERVICE, registered_by="330212")
    closed = make_organization(name="宁波市鄞州区集邮协会", registered_by="330212")
    organization_deregister(organization=closed, on=datetime.date(2023, 1, 31), reason="自行解散", actor=None)
    make_organization(name="宁波市海曙区慈善基金会", org_type=OrgType.FOUNDATION, registered_by="330203")
    make_organization(name="宁波市社会组织发展中心", org_type=OrgType.SOCIAL_SERVICE, registered_by="330200")
    make_evaluation(rated, grade=4, concluded_on=timezone.localdate() - datetime.timedelta(days=365))

    log_in(page, site, "clerk-sun")
    page.locator("#content-main").get_by_role("link", name="统计概览").click()
    expect(page.locator("h1")).to_have_text("统计概览")

    assert (
        key_figures(page).items()
        >= {
            "社会组织": "5",
            "社会团体": "2",
            "社会服务机构": "2",
            "基金会": "1",
            "市级社会组织": "1",
            "获评3A以上等级的社会组织": "1",
            "4A级": "1",
        }.items()
    )
    charts = page.locator(".dashboard-charts figure svg")
    expect(charts).to_have_count(len(CHARTS))
    assert [chart.get_attribute("aria-label") for chart in charts.all()] == CHARTS
    for chart in charts.all():
        expect(chart.locator("rect").first).to_be_attached()
    yinzhou = page.locator("table.dashboard-table tbody tr", has=page.get_by_role("cell", name="鄞州区", exact=True))
    expect(yinzhou.locator("td").nth(1)).to_have_text("2")  # social groups
    expect(yinzhou.locator("td").nth(2)).to_have_text("1")  # social service institutions
    expect(yinzhou.locator("td").nth(4)).to_have_text("3")  # organizations

    page.select_option("#id_district", label="鄞州区")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"district=330212"))
    expect(page.locator("#id_district")).to_have_value("330212")
    for label, shown in {"社会组织": "3", "社会团体": "2", "社会服务机构": "1", "基金会": "0", "4A级": "1"}.items():
        card = page.locator(".dashboard-card", has=page.get_by_text(label, exact=True))
        expect(card.locator(".figure")).to_have_text(shown)
    # The chosen district stands out in the table and in the charts by district; the page exports what it shows.
    expect(page.locator("table.dashboard-table tr.dashboard-selected td").first).to_have_text("鄞州区")
    expect(page.locator('.dashboard-charts svg text[text-anchor=end][font-weight="bold"]')).to_have_text(
        ["鄞州区", "鄞州区"]
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="导出统计数字（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_the_coverage_page_exports_what_it_shows(page, site, screenshot):
    from tests.platforms.builders import make_platform

    page.set_viewport_size({"width": 1440, "height": 900})
    make_user(Role.CLERK, username="clerk-zhou")
    make_platform("330212002", opened_on=datetime.date(2019, 1, 1))
    log_in(page, site, "clerk-zhou")
    page.goto(f"{site}/admin/platforms/townshipcoverage/")
    page.locator("#id_district").select_option(label="鄞州区")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"district=330212"))
    expect(page.locator(".coverage-exports a")).to_have_text(["导出表格（CSV）", "导出表格（Excel）"])
    screenshot("coverage")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出表格（Excel）").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出表格（CSV）").click()
    lines = open(download.value.path(), encoding="utf-8-sig").read().splitlines()
    assert len(lines) == 2 and lines[1].startswith("鄞州区,330212,")
