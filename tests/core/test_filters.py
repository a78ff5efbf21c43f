"""The shared filtering pieces of core: dates or timestamps, inclusive bounds, models without timestamps."""

import datetime

import pytest
from django import forms
from django.utils import timezone

from core.filters import DateOrDateTimeField
from tests.conftest import make_organization
from tests.exports.builders import read_csv
from tests.ratings.builders import make_evaluation
from tests.registry.builders import make_filing

TZ = timezone.get_current_timezone()


@pytest.mark.parametrize(
    "text, end_of_day, moment",
    [
        ("2024-03-01", False, datetime.datetime(2024, 3, 1, tzinfo=TZ)),
        ("2024-03-01", True, datetime.datetime(2024, 3, 1, 23, 59, 59, 999999, tzinfo=TZ)),
        ("2024-03-01T08:30:00", True, datetime.datetime(2024, 3, 1, 8, 30, tzinfo=TZ)),
        ("2024-03-01T08:30:00 08:00", False, datetime.datetime(2024, 3, 1, 8, 30, tzinfo=TZ)),  # '+' lost in a URL
        ("2024-03-01T00:30:00Z", False, datetime.datetime(2024, 3, 1, 0, 30, tzinfo=datetime.UTC)),
    ],
)
def test_date_or_timestamp(text, end_of_day, moment):
    assert DateOrDateTimeField(end_of_day=end_of_day).clean(text) == moment


@pytest.mark.parametrize("text", ["yesterday", "2024-02-30", "2024-3-1x", "1709251200"])
def test_unparsable_date_or_timestamp_is_an_error(text):
    with pytest.raises(forms.ValidationError):
        DateOrDateTimeField().clean(text)


@pytest.mark.django_db
def test_a_list_without_timestamps_refuses_last_updated_from_with_400(clerk_api):
    response = clerk_api.get("/api/v1/divisions/", {"last_updated_from": "2024-01-01"})
    assert response.status_code == 400 and "last_updated_from" in response.json()


ORGANIZATIONS = "/api/v1/organizations/"
FILINGS = "/api/v1/community-organizations/"


def result_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["registered_on", "-registered_on", "name", "-name"])
def test_rows_that_tie_keep_one_order_page_after_page(clerk_api, ordering):
    """Seven organizations registered the same day under the same name: paging three at a time meets each
    exactly once, in id order after the field (its direction)."""
    made = [make_organization(name="宁波市同名协会", registered_on=datetime.date(2020, 5, 1)) for _ in range(7)]
    seen = []
    for page in (1, 2, 3):
        seen += result_ids(clerk_api.get(ORGANIZATIONS, {"ordering": ordering, "page_size": 3, "page": page}))
    expected = sorted(organization.pk for organization in made)
    assert seen == (expected[::-1] if ordering.startswith("-") else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("ordering", ["last_active_on", "-last_active_on"])
def test_rows_without_a_value_come_last_either_way_on_every_database(clerk_api, ordering):
    never = make_filing(last_active_on=None)
    older = make_filing(last_active_on=datetime.date(2022, 1, 1))
    newer = make_filing(last_active_on=datetime.date(2024, 1, 1))
    expected = [older.pk, newer.pk] if ordering == "last_active_on" else [newer.pk, older.pk]
    assert result_ids(clerk_api.get(FILINGS, {"ordering": ordering})) == [*expected, never.pk]


@pytest.mark.django_db
@pytest.mark.today("2026-06-01")
def test_organizations_ordered_by_current_grade_ungraded_last(clerk_api):
    ungraded = make_organization()
    four_a, five_a, lapsed = make_organization(), make_organization(), make_organization()
    make_evaluation(four_a, grade=4, concluded_on=datetime.date(2024, 3, 1))
    make_evaluation(five_a, grade=5, concluded_on=datetime.date(2024, 3, 1))
    make_evaluation(lapsed, grade=5, concluded_on=datetime.date(2010, 3, 1))  # expired long ago: no grade today
    # Ties (no grade today) by id in the direction of the last field: descending here.
    assert result_ids(clerk_api.get(ORGANIZATIONS, {"ordering": "-current_grade"})) == [
        five_a.pk,
        four_a.pk,
        lapsed.pk,
        ungraded.pk,
    ]
    assert result_ids(clerk_api.get(ORGANIZATIONS, {"ordering": "current_grade,-id"})) == [
        four_a.pk,
        five_a.pk,
        lapsed.pk,
        ungraded.pk,
    ]
    # The same filter set orders the export.
    exported = read_csv(clerk_api.get(ORGANIZATIONS, {"ordering": "-current_grade", "format": "csv"}))
    assert [int(row[0]) for row in exported[1:]] == [five_a.pk, four_a.pk, lapsed.pk, ungraded.pk]
