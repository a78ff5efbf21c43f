"""Rules relative to today (validity, the 90-day worklists, eligibility by age): no date is fixed here,
so tests/core/test_any_date.py runs them with today moved to a leap day, a 31 December and five
years ahead."""

import datetime

import pytest
from django.utils import timezone

from core.choices import Role
from ratings.models import Evaluation, validity_end
from tests.conftest import make_organization, make_user
from tests.exports.builders import read_csv
from tests.ratings.builders import filed_last_years_report, make_evaluation, years_ago

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
URL = "/api/v1/evaluations/"
ORGANIZATIONS = "/api/v1/organizations/"
LIST = "/admin/ratings/evaluation/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def rate(client, organization, grade=5, **extra):
    if "concluded_on" in extra:
        filed_last_years_report(organization, datetime.date.fromisoformat(str(extra["concluded_on"])))
    return client.post(URL, {"organization": organization.pk, "grade": grade, **extra}, format="json")


def ids(client, **params):
    return {row["id"] for row in client.get(URL, {"page_size": 1000, **params}).json()["results"]}


def earliest_conclusion_still_valid_on(today: datetime.date) -> datetime.date:
    """The earliest conclusion date whose rating is still valid today (about five years back): the
    day before it, a rating has lapsed. On 28 February of a leap year no rating ends that very day."""
    around = years_ago(5)
    candidates = (around + datetime.timedelta(days=offset) for offset in range(-400, 400))
    return next(day for day in candidates if validity_end(day) >= today)


def test_a_rating_is_current_until_its_validity_ends_and_not_after(clerk_api):
    today = timezone.localdate()
    earliest = earliest_conclusion_still_valid_on(today)
    still_valid = make_evaluation(grade=4, concluded_on=earliest)
    lapsed = make_evaluation(grade=5, concluded_on=earliest - datetime.timedelta(days=1))
    assert today <= still_valid.valid_until
    assert lapsed.valid_until < today
    current = clerk_api.get(f"{ORGANIZATIONS}{still_valid.organization_id}/").json()
    assert current["current_grade"] == 4 and current["grade_valid_until"] == still_valid.valid_until.isoformat()
    assert clerk_api.get(f"{ORGANIZATIONS}{lapsed.organization_id}/").json()["current_grade"] is None
    assert ids(clerk_api, status="valid") == {still_valid.pk}
    assert ids(clerk_api, valid_on=today.isoformat()) == {still_valid.pk}


def test_ratings_lapsing_in_the_next_90_days(clerk_api):
    today = timezone.localdate()
    soon = make_evaluation(concluded_on=years_ago(5, days=-30))  # lapses in about 29 days
    later = make_evaluation(concluded_on=years_ago(4))  # lapses in about a year
    gone = make_evaluation(concluded_on=years_ago(5, days=10))  # lapsed already
    limit = (today + datetime.timedelta(days=90)).isoformat()
    found = ids(clerk_api, status="valid", expiring_before=limit)
    assert soon.pk in found and later.pk not in found and gone.pk not in found
    found = ids(clerk_api, valid_on=today.isoformat(), expiring_before=limit)
    assert soon.pk in found and gone.pk not in found


def test_an_organization_registered_one_year_ago_is_400_with_a_reason(clerk_api):
    registered = years_ago(1)
    organization = make_organization(registered_on=registered)
    response = rate(clerk_api, organization, concluded_on=timezone.localdate().isoformat())
    assert response.status_code == 400
    [reason] = response.json()["organization"]
    assert registered.isoformat() in reason and "两年" in reason
    assert not Evaluation.objects.exists()


def test_refusal_reasons_are_in_chinese_by_default(clerk_api):
    organization = make_organization(registered_on=years_ago(1))
    response = rate(clerk_api, organization, concluded_on=timezone.localdate().isoformat())
    assert "两年" in response.json()["organization"][0]


def test_ratings_list_with_grade_status_and_expiry_filters(clerk_browser):
    soon = make_evaluation(grade=3, concluded_on=years_ago(5, days=-30))
    later = make_evaluation(grade=4, concluded_on=years_ago(3))
    page = clerk_browser.get(LIST)
    text = page.content.decode()
    assert page.status_code == 200 and "90天内到期" in text and "当前状态" in text
    expiring = clerk_browser.get(LIST, {"expires_within": "90"}).content.decode()
    assert soon.organization.name in expiring and later.organization.name not in expiring
    by_grade = clerk_browser.get(LIST, {"grade__exact": "4"}).content.decode()
    assert later.organization.name in by_grade and soon.organization.name not in by_grade
    valid = clerk_browser.get(LIST, {"status": "valid"}).content.decode()
    assert soon.organization.name in valid


def test_an_ineligible_organization_is_refused_on_the_form_with_the_reason(clerk_browser):
    organization = make_organization(registered_on=years_ago(1))
    response = clerk_browser.post(
        f"{LIST}add/",
        {"organization": organization.pk, "grade": "3", "concluded_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert "满两年" in response.content.decode()
    assert not Evaluation.objects.exists()


def test_admin_exports_the_90_day_worklist(clerk_browser):
    soon = make_evaluation(grade=3, concluded_on=years_ago(5, days=-30))
    make_evaluation(grade=4, concluded_on=years_ago(3))
    rows = read_csv(clerk_browser.get(f"{LIST}export/csv/", {"expires_within": "90"}))
    assert len(rows) == 2 and soon.organization.uscc in rows[1] and "3A" in rows[1]
