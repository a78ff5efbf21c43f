"""A clerk reads the change history: the record-type filter names the registry's records in Chinese,
and a rating's record names its organization with its credit code, not a number."""

import datetime

import pytest

from core.choices import Role
from core.models import ChangeRecord
from ratings.models import Evaluation
from tests.browser.admin_pages import expect, filter_choice, log_in
from tests.conftest import make_user
from tests.ratings.builders import make_evaluation

pytestmark = pytest.mark.browser


def test_a_ratings_change_record_names_the_organization(page, site, screenshot):
    make_user(Role.CLERK, username="clerk-zhou")
    evaluation = make_evaluation(grade=4, concluded_on=datetime.date(2024, 3, 1))
    organization = evaluation.organization
    log_in(page, site, "clerk-zhou")
    page.goto(f"{site}/admin/core/changerecord/")
    filters = page.locator('#changelist-filter details[data-filter-title="记录类型"] li')
    expect(filters.filter(has_text="评估等级")).to_have_count(1)
    assert "内容类型" not in filters.all_inner_texts()
    filter_choice(page, "记录类型", "评估等级")
    expect(page.locator("#result_list tbody tr .field-record_type")).to_have_text(["评估等级"])
    screenshot("filtered")

    record = ChangeRecord.objects.get(content_type__model="evaluation", object_id=evaluation.pk)
    page.goto(f"{site}/admin/core/changerecord/{record.pk}/change/")
    table = page.locator(".field-change_table table")
    expect(table.locator("tr", has_text="社会组织")).to_contain_text(f"{organization.name}（{organization.uscc}）")
    assert Evaluation.objects.count() == 1
