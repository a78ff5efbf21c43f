"""The current grade on any day (DESIGN §2): the newest rating concluded by then, unless revoked or lapsed."""

import datetime

import pytest

from ratings.models import Evaluation
from ratings.selectors import (
    entitlements,
    grade_distribution,
    grade_on,
    may_hold_tax_deductible_status,
    with_current_grade,
)
from registry.choices import OrgType
from registry.models import Organization
from tests.conftest import make_organization
from tests.ratings.builders import make_evaluation

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
D = datetime.date


def revoke(evaluation, on):
    Evaluation.objects.filter(pk=evaluation.pk).update(revoked_on=on, revocation_reason="test")


@pytest.fixture
def history():
    """3A 2016-05-01, superseded by 4A 2019-05-01, which is revoked 2020-01-01; 5A 2022-07-01."""
    organization = make_organization(registered_on=D(2010, 1, 1))
    make_evaluation(organization, grade=3, concluded_on=D(2016, 5, 1))
    four = make_evaluation(organization, grade=4, concluded_on=D(2019, 5, 1))
    revoke(four, D(2020, 1, 1))
    make_evaluation(organization, grade=5, concluded_on=D(2022, 7, 1))
    return organization


@pytest.mark.parametrize(
    ("day", "grade"),
    [
        (D(2016, 4, 30), None),  # before any rating
        (D(2016, 5, 1), 3),  # the day of the conclusion counts
        (D(2019, 4, 30), 3),
        (D(2019, 5, 1), 4),  # superseded the day the newer one is concluded
        (D(2019, 12, 31), 4),
        (D(2020, 1, 1), None),  # revoked that day; the 3A, still within its five years, does not come back
        (D(2021, 4, 30), None),
        (D(2022, 6, 30), None),
        (D(2022, 7, 1), 5),
        (D(2027, 6, 30), 5),  # its valid_until
        (D(2027, 7, 1), None),  # lapsed the day after
    ],
)
def test_grade_on_past_and_future_days(history, day, grade):
    assert grade_on(history, day) == grade
    annotated = with_current_grade(Organization.objects.filter(pk=history.pk), day).get()
    assert annotated.current_grade == grade


def test_grade_valid_until_is_that_of_the_rating_in_force(history):
    annotated = with_current_grade(Organization.objects.filter(pk=history.pk), D(2023, 1, 1)).get()
    assert annotated.grade_valid_until == D(2027, 6, 30)
    lapsed = with_current_grade(Organization.objects.filter(pk=history.pk), D(2021, 1, 1)).get()
    assert lapsed.grade_valid_until is None


def test_a_lapsed_newest_rating_leaves_no_grade():
    organization = make_organization()
    make_evaluation(organization, grade=4, concluded_on=D(2021, 3, 1))
    assert grade_on(organization) is None  # valid until 2026-02-28; today is later
    assert grade_on(organization, D(2026, 2, 28)) == 4


def test_annotation_is_one_query_for_many_organizations(django_assert_num_queries, history):
    for grade in (1, 2, 3):
        make_evaluation(grade=grade, concluded_on=D(2023, 1, 1))
    make_organization()
    with django_assert_num_queries(1):
        grades = sorted((o.current_grade or 0) for o in with_current_grade(Organization.objects.all(), D(2024, 1, 1)))
    assert grades == [0, 1, 2, 3, 5]


def test_annotation_follows_a_path_to_the_organization(history):
    """Other apps (procurement) annotate rows that point to an organization."""
    rows = with_current_grade(
        Evaluation.objects.filter(organization=history), D(2023, 1, 1), organization="organization"
    )
    assert {row.current_grade for row in rows} == {5}


def test_with_current_grade_is_idempotent(history):
    once = with_current_grade(Organization.objects.all(), D(2019, 6, 1))
    assert with_current_grade(once) is once
    assert once.get(pk=history.pk).current_grade == 4


@pytest.mark.parametrize(
    ("grade", "priority", "tax", "simplified"),
    [
        (None, False, False, False),
        (1, False, False, False),
        (2, False, False, False),
        (3, True, True, False),
        (4, True, True, True),
        (5, True, True, True),
    ],
)
def test_entitlements_by_grade_of_a_charitable_organization(grade, priority, tax, simplified):
    assert entitlements(grade, charitable=True) == {
        "purchase_priority": priority,
        "transferred_function_priority": priority,
        "award_priority": priority,
        "tax_deductible_eligible": tax,
        "simplified_inspection": simplified,
    }


@pytest.mark.parametrize("grade", [3, 4, 5])
def test_a_grade_alone_never_makes_an_organization_eligible_for_tax_deductible_status(grade):
    assert entitlements(grade)["tax_deductible_eligible"] is False
    assert entitlements(grade)["purchase_priority"] is True


@pytest.mark.today("2026-06-01")
def test_only_a_foundation_or_a_recognised_charity_may_hold_tax_deductible_status():
    assert may_hold_tax_deductible_status(make_organization(org_type=OrgType.FOUNDATION))
    assert not may_hold_tax_deductible_status(make_organization(org_type=OrgType.SOCIAL_GROUP))
    recognised = make_organization(org_type=OrgType.SOCIAL_SERVICE, charity_recognized_on=D(2020, 5, 1))
    assert may_hold_tax_deductible_status(recognised)
    assert not may_hold_tax_deductible_status(recognised, on=D(2020, 4, 30))


def test_grade_distribution_counts_organizations_by_grade_on_a_day(django_assert_num_queries, history):
    for grade in (3, 3, 4):
        make_evaluation(grade=grade, concluded_on=D(2022, 1, 1))
    make_organization()
    with django_assert_num_queries(1):
        assert grade_distribution(Organization.objects.all(), D(2022, 12, 31)) == {3: 2, 4: 1, 5: 1}
    assert grade_distribution(Organization.objects.all(), D(2021, 1, 1)) == {}
    assert grade_distribution(Organization.objects.exclude(pk=history.pk), D(2022, 12, 31)) == {3: 2, 4: 1}
