"""A clerk opens the site: / leads to the admin, whose sections follow the day's work (registrations
first, the access and history last); the API's root lists its resources as links."""

import pytest
from django.contrib.auth import get_user_model

from core.access import principal_of
from core.choices import Role
from tests.browser.admin_pages import PASSWORD, expect, log_in, success_message
from tests.conftest import make_user

pytestmark = pytest.mark.browser
NEW_PASSWORD = "Sun-Registry-2026!"

SECTIONS = [
    "社会组织登记",
    "社区社会组织备案",
    "评估与荣誉",
    "社会组织评估",
    "信用监管",
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


def test_the_administrator_opens_an_account_for_a_new_clerk(page, site, screenshot):
    get_user_model().objects.create_superuser(username="root", password=PASSWORD)
    log_in(page, site, "root")
    page.goto(f"{site}/admin/auth/user/add/")
    page.fill("#id_username", "clerk-sun")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    page.click("input[name=_continue]")
    page.check("#id_is_staff")
    expect(page.locator("#id_groups_from option")).to_have_text(
        ["区县系统", "市局登记管理人员", "监督查询人员", "镇街备案窗口"]
    )
    page.select_option("#id_groups_from", label="市局登记管理人员")
    page.click("#id_groups_add")
    screenshot("clerk-account")
    page.click("input[name=_save]")
    expect(success_message(page)).to_be_visible()

    page.click("#logout-form button")
    log_in(page, site, "clerk-sun", NEW_PASSWORD)
    expect(page.locator("#content-main caption").first).to_have_text("社会组织登记")
    assert principal_of(get_user_model().objects.get(username="clerk-sun")).role == Role.CLERK
