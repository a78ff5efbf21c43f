"""A clerk opens the site: / leads to the admin, whose sections follow the day's work (registrations
first, the access and history last); the API's root lists its resources as links."""

import pytest

from core.choices import Role
from tests.browser.admin_pages import expect, log_in
from tests.conftest import make_user

pytestmark = pytest.mark.browser

SECTIONS = [
    "社会组织登记",
    "社区社会组织备案",
    "评估与荣誉",
    "平台建设",
    "政府购买服务与职能转移",
    "统计报表",
    "权限与变更历史",
]


def test_the_admin_index_follows_a_clerks_day_and_the_api_root_links_resources(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-zhao")
    page.goto(f"{site}/")
    expect(page).to_have_url(f"{site}/admin/login/?next=/admin/")
    log_in(page, site, "clerk-zhao")
    captions = [text.strip() for text in page.locator("#content-main caption").all_inner_texts()]
    assert captions[: len(SECTIONS)] == SECTIONS
    expect(page.locator("#content-main .app-registry").nth(1).locator("tbody th")).to_have_text(["社区社会组织备案"])
    screenshot("admin-index")

    page.goto(f"{site}/api/v1/")
    link = page.get_by_role("link", name=f"{site}/api/v1/organizations/", exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(f"{site}/api/v1/organizations/")
