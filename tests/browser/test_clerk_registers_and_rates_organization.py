"""A clerk registers an organization in the admin and rates it: a mistyped credit code is refused with
a Chinese message that names the code and the position that is wrong; corrected, the organization is
saved and opens on its own page; a 4A rating concluded from there returns to it and shows as its
current grade in the list."""

import datetime

import pytest
from django.utils import timezone

from core.choices import Role
from ratings.models import Evaluation
from registry.choices import OrgType
from registry.models import Organization
from registry.validators import ALPHABET
from tests.browser.admin_pages import (
    changelist_column,
    choose_autocomplete,
    error_of,
    expect,
    log_in,
    row_of,
    success_message,
)
from tests.conftest import make_uscc, make_user
from tests.ratings.builders import filed_last_years_report

pytestmark = pytest.mark.browser

NAME = "宁波市鄞州区银发互助协会"


def test_clerk_corrects_the_check_character_registers_the_organization_and_rates_it_4a(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-wang")
    valid = make_uscc(OrgType.SOCIAL_GROUP, "330212", serial=4201)
    mistyped = valid[:17] + next(c for c in ALPHABET if c != valid[17])

    log_in(page, site, "clerk-wang")
    page.goto(f"{site}/admin/registry/organization/add/")
    expect(page.locator("h1")).to_have_text("增加 社会组织")
    page.fill("#id_name", NAME)
    page.fill("#id_uscc", mistyped)
    page.select_option("#id_org_type", label="社会团体")
    choose_autocomplete(page, "registered_by", "鄞州", "鄞州区")
    page.fill("#id_registered_on", "2015-06-01")
    page.fill("#id_legal_representative", "王芳")
    page.click("input[name=_save]")

    expect(page.locator(".errornote")).to_be_visible()
    expect(error_of(page, "uscc")).to_have_text(
        f"统一社会信用代码第18位（校验码）为 {mistyped[17]}，按前17位计算应为 {valid[17]}。"
    )
    assert not Organization.objects.filter(name=NAME).exists()
    screenshot("credit-code-refused")

    page.fill("#id_uscc", valid)
    page.click("input[name=_save]")

    # The new registration opens on its own page, with the success message.
    expect(success_message(page)).to_contain_text(NAME)
    organization = Organization.objects.get(uscc=valid)
    expect(page).to_have_url(f"{site}/admin/registry/organization/{organization.pk}/change/")
    screenshot("registered")
    assert (organization.name, organization.registered_by_id, organization.registration_level) == (
        NAME,
        "330212",
        "district",
    )

    # The rating: concluded from the organization's page, where its ratings are listed.
    concluded_on = timezone.localdate() - datetime.timedelta(days=7)
    filed_last_years_report(organization, concluded_on)  # 民政部令第39号 art. 7(一)
    page.get_by_role("link", name="为该组织评定新的评估等级").click()
    expect(page.locator("#select2-id_organization-container")).to_contain_text(NAME)
    page.select_option("#id_grade", label="4A")
    page.fill("#id_score", "865")
    page.fill("#id_concluded_on", concluded_on.isoformat())
    page.click("input[name=_save]")
    expect(success_message(page)).to_be_visible()
    expect(page).to_have_url(f"{site}/admin/registry/organization/{organization.pk}/change/")  # back where it began
    assert list(Evaluation.objects.filter(organization=organization).values_list("grade", "concluded_on")) == [
        (4, concluded_on)
    ]

    ratings = page.locator(".inline-group", has=page.get_by_role("heading", name="评估等级"))
    expect(ratings.locator("tbody tr.has_original .field-grade")).to_have_text("4A")
    expect(ratings.locator("tbody tr.has_original .field-status_today")).to_have_text("有效")

    page.goto(f"{site}/admin/registry/organization/")
    expect(row_of(page, NAME).locator(".field-current_grade_display")).to_have_text("4A")
    assert changelist_column(page, "current_grade_display") == ["4A"]
