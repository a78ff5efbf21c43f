"""A clerk's list on a 1440×900 screen: the navigation sidebar starts collapsed, the newest registrations
come first, authorities show as short names (code on hover), and a from–to date filter replaces the
bar of year links."""

import datetime

import pytest

from core.choices import Role
from tests.browser.admin_pages import changelist_names, expect, log_in
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.browser


def test_the_organizations_list_fits_the_screen_and_filters_by_dates(page, site, screenshot):
    page.set_viewport_size({"width": 1440, "height": 900})
    make_user(Role.CLERK, username="clerk-qian")
    older = make_organization(
        name="宁波市江北区老年书画协会", registered_by="330205", registered_on=datetime.date(2012, 5, 1)
    )
    newer = make_organization(name="宁波市鄞州区银发互助协会", registered_on=datetime.date(2021, 5, 1))

    log_in(page, site, "clerk-qian")
    page.goto(f"{site}/admin/registry/organization/")
    expect(page.locator("#main")).not_to_have_class("main shifted")
    expect(page.locator("#nav-sidebar")).to_have_attribute("aria-expanded", "false")
    assert changelist_names(page) == [newer.name, older.name]
    authority = page.locator("#result_list tbody tr").first.locator(".field-registered_by_short span")
    expect(authority).to_have_text("鄞州区")
    expect(authority).to_have_attribute("title", "330212")
    expect(page.locator(".xfull")).to_have_count(0)  # no date hierarchy bar
    name_width = page.locator("#result_list tbody tr").first.locator(".field-name").bounding_box()["width"]
    assert name_width >= 16 * 13  # 16em at the admin's 13px: a name on one line
    screenshot("list")

    dates = page.locator('#changelist-filter details[data-filter-title="登记日期"]')
    dates.locator("input[name=registered_on__gte]").fill("2020-01-01")
    dates.get_by_role("button").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    assert changelist_names(page) == [newer.name]
    expect(dates.locator("input[name=registered_on__gte]")).to_have_value("2020-01-01")


def test_every_other_list_fits_the_screen_the_same_way(page, site, screenshot):
    """The shared admin base gives every list the same: here the platforms (a division column) and the
    departments (a division filter), which declare nothing of it themselves."""
    from procurement.models import Department
    from tests.platforms.builders import make_platform

    page.set_viewport_size({"width": 1440, "height": 900})
    make_user(Role.CLERK, username="clerk-sun")
    older = make_platform("330212", name="鄞州区社会组织服务中心", opened_on=datetime.date(2016, 3, 1))
    newer = make_platform("330203", name="海曙区社会组织服务中心", opened_on=datetime.date(2022, 9, 1))
    Department.objects.create(name="宁波市鄞州区民政局", division_id="330212")
    Department.objects.create(name="宁波市海曙区民政局", division_id="330203")

    log_in(page, site, "clerk-sun")
    page.goto(f"{site}/admin/platforms/platform/")
    expect(page.locator("#nav-sidebar")).to_have_attribute("aria-expanded", "false")
    names = changelist_names(page)  # newest first, by the opening date (the fixtures' platforms between)
    assert names[0] == newer.name and names.index(older.name) > 0
    division = page.locator("#result_list tbody tr", has_text=older.name).locator(".field-division span")
    expect(division).to_have_text("鄞州区")
    expect(division).to_have_attribute("title", "330212")
    name_width = page.locator("#result_list tbody tr").first.locator(".field-name").bounding_box()["width"]
    assert name_width >= 16 * 13
    screenshot("platforms")

    page.goto(f"{site}/admin/procurement/department/")
    expect(page.locator("#nav-sidebar")).to_have_attribute("aria-expanded", "false")
    names = page.locator("#changelist-filter li a").all_inner_texts()
    assert not any("江东区" in name or "奉化市" in name for name in names)
    assert any("鄞州区" in name for name in names) and any("海曙区" in name for name in names)
    screenshot("departments")
