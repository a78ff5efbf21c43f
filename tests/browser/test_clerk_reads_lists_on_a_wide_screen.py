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
