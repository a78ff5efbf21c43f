"""A clerk files a community organization: once the township is chosen, the community field offers only
that township's communities (not the same-named ones of other districts), and the filing is saved."""

import pytest

from core.choices import Role
from registry.models import CommunityOrganization, Division
from tests.browser.admin_pages import choose_autocomplete, expect, log_in, success_message
from tests.conftest import make_user

pytestmark = pytest.mark.browser

NAME = "下应街道银龄志愿队"


def community(code: str, name: str) -> Division:
    return Division.objects.create(code=code, name=name, level="community", parent_id=code[:9])


def test_community_choice_follows_the_chosen_township(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-li")
    own = community("330212001001", "明珠社区")
    elsewhere = community("330203001001", "明珠社区")

    log_in(page, site, "clerk-li")
    page.goto(f"{site}/admin/registry/communityorganization/add/")
    page.fill("#id_name", NAME)
    choose_autocomplete(page, "township", "下应", "下应街道")
    page.locator("#id_community + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("明珠")
    options = page.locator(".select2-results__option")
    expect(options).to_have_count(1)
    expect(options).to_have_text(str(own))
    screenshot("only-the-townships-communities")
    options.first.click()

    page.select_option("#id_category", index=1)
    page.fill("#id_filed_on", "2023-03-03")
    page.fill("#id_member_count", "12")
    page.click("input[name=_save]")
    expect(success_message(page)).to_contain_text(NAME)
    filing = CommunityOrganization.objects.get(name=NAME)
    assert filing.community_id == own.code and filing.community_id != elsewhere.code
