"""A clerk deregisters an organization with a date and a reason: it leaves the list of active
organizations, stays in the register as deregistered, and its history shows who changed what, why."""

import datetime

import pytest
from django.utils import timezone

from core.choices import Role
from registry.choices import OrgStatus
from tests.browser.admin_pages import changelist_names, expect, filter_choice, log_in, run_action, success_message
from tests.conftest import make_organization, make_user

pytestmark = pytest.mark.browser

REASON = "经会员大会表决解散，清算已完成"


def test_deregistered_organization_leaves_the_active_list_and_its_history_shows_the_change(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-li")
    leaving = make_organization(name="宁波市鄞州区书法爱好者协会", registered_by="330212")
    staying = make_organization(name="宁波市鄞州区象棋协会", registered_by="330212")

    log_in(page, site, "clerk-li")
    page.goto(f"{site}/admin/registry/organization/")
    filter_choice(page, "状态", "正常")
    assert sorted(changelist_names(page)) == sorted([leaving.name, staying.name])

    run_action(page, [leaving.name], "注销登记")
    expect(page.locator("h1")).to_have_text("注销登记")
    expect(page.locator(".breadcrumbs")).to_have_text("首页 › 社会组织登记 › 社会组织 › 注销登记")
    # The form shows the record, marks what is required and leads back to the record.
    expect(page.locator("#action-records tbody td")).to_have_text([leaving.name, leaving.uscc, "正常"])
    expect(page.locator("label.required")).to_have_text(["日期:", "理由:"])
    expect(page.locator(".cancel-link")).to_have_attribute("href", f"/admin/registry/organization/{leaving.pk}/change/")
    # A date before the registration: refused on the form, with what was typed kept.
    page.fill("#id_date", "2010-06-30")
    page.fill("#id_reason", REASON)
    page.click("form input[type=submit].default")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value(REASON)
    screenshot("refused-on-the-form")
    # The date's calendar offers today as the latest day: next month's days are shown, none is a link.
    expect(page.locator("#id_date")).to_have_attribute("data-latest", timezone.localdate().isoformat())
    page.fill("#id_date", "")
    page.click("#calendarlink0")
    expect(page.locator("#calendarin0 td.today a")).to_have_count(1)
    expect(page.locator("#calendarbox0 .calendar-shortcuts a")).to_have_text(["昨天", "今天"])
    page.click("#calendarbox0 .calendarnav-next")
    expect(page.locator("#calendarin0 td > a")).to_have_count(0)
    assert page.locator("#calendarin0 td.after-latest").count() >= 28
    screenshot("no-day-after-today")
    page.click("#calendarbox0 .calendarnav-previous")
    page.click("#calendarbox0 .calendar-cancel a")
    page.fill("#id_date", "2024-06-30")
    page.click("form input[type=submit].default")

    expect(success_message(page)).to_have_text("注销登记：已处理 1 条记录。")
    assert "status__exact=active" in page.url
    assert changelist_names(page) == [staying.name]

    filter_choice(page, "状态", "已注销")
    assert changelist_names(page) == [leaving.name]
    leaving.refresh_from_db()
    assert (leaving.status, leaving.status_date, leaving.status_reason) == (
        OrgStatus.DEREGISTERED,
        datetime.date(2024, 6, 30),
        REASON,
    )
