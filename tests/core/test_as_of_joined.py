"""`as_of` reaches the records a list reads besides its own (DESIGN §12, "every other filter applied
to that state"): an organization's grade from its ratings as they stood, an evaluation's organization,
a filing's township and district, the credit-list entries and party organizations in force on the
day. docs/decisions/0420-joined-records-as-of-a-date.md."""

import datetime
import hashlib

import pytest

from jobs.worker import run_ready_jobs
from ratings.models import Evaluation
from registry.choices import CreditList
from registry.models import CommunityOrganization, CreditListEntry, Organization
from tests.conftest import make_organization
from tests.core.test_as_of import D1, D2, at, names
from tests.exports.builders import content_of, read_csv
from tests.ratings.builders import make_evaluation
from tests.registry.builders import HAISHU_TOWNSHIP, YINZHOU_TOWNSHIP, make_credit_entry, make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]
ORGANIZATIONS = "/api/v1/organizations/"
BEFORE = D1 - datetime.timedelta(days=30)


def grades(client, **params) -> dict[str, int | None]:
    response = client.get(ORGANIZATIONS, params)
    assert response.status_code == 200, response.content[:300]
    return {row["name"]: row["current_grade"] for row in response.json()["results"]}


@pytest.fixture
def rated():
    """ "甲" rated 4A before D1, the grade corrected to 3A on D2; "乙" rated 5A in a conclusion dated
    before D1 but entered only on D2 (the register did not know it on D1)."""
    with at(BEFORE):
        first = make_organization(name="甲协会")
        second = make_organization(name="乙协会")
        evaluation = make_evaluation(first, grade=4, concluded_on=BEFORE)
    with at(D2):
        Evaluation.objects.filter(pk=evaluation.pk).update(grade=3)
        make_evaluation(second, grade=5, concluded_on=BEFORE)
    return first, second


def test_the_grade_is_the_one_the_ratings_gave_on_the_day(clerk_api, rated):
    assert grades(clerk_api, as_of=D1.isoformat()) == {"甲协会": 4, "乙协会": None}
    assert grades(clerk_api, as_of=D2.isoformat()) == {"甲协会": 3, "乙协会": 5}
    assert grades(clerk_api) == {"甲协会": 3, "乙协会": 5}


def test_the_grade_filters_and_ordering_read_the_ratings_of_the_day(clerk_api, rated):
    past = {"as_of": D1.isoformat()}
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "min_grade": 4})) == ["甲协会"]
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "grade": 4})) == ["甲协会"]
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "grade": 5})) == []
    assert names(clerk_api.get(ORGANIZATIONS, {"min_grade": 4})) == ["乙协会"]
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "ordering": "-current_grade"}))[0] == "甲协会"


def test_the_csv_shows_the_grade_of_the_day(clerk_api, rated):
    header, *rows = read_csv(clerk_api.get(ORGANIZATIONS, {"as_of": D1.isoformat(), "format": "csv"}))
    shown = {row[header.index("名称")]: row[header.index("当前评估等级")] for row in rows}
    assert shown == {"甲协会": "4A", "乙协会": ""}
    header, *rows = read_csv(clerk_api.get(ORGANIZATIONS, {"format": "csv"}))
    assert {row[header.index("名称")]: row[header.index("当前评估等级")] for row in rows} == {
        "甲协会": "3A",
        "乙协会": "5A",
    }


def test_an_evaluation_shows_its_organization_of_the_day(clerk_api):
    with at(BEFORE):
        organization = make_organization(name="旧名协会", registered_by_id="330212")
        make_evaluation(organization, grade=4, concluded_on=BEFORE)
    with at(D2):
        Organization.objects.filter(pk=organization.pk).update(name="新名协会", registered_by_id="330203")
    url = "/api/v1/evaluations/"
    past = clerk_api.get(url, {"as_of": D1.isoformat()}).json()["results"]
    assert [row["organization_name"] for row in past] == ["旧名协会"]
    assert clerk_api.get(url).json()["results"][0]["organization_name"] == "新名协会"


def test_a_credit_entry_is_filtered_by_its_organizations_district_of_the_day(clerk_api):
    with at(BEFORE):
        organization = make_organization(registered_by_id="330212")
        make_credit_entry(organization, listed_on=BEFORE)
    with at(D2):
        Organization.objects.filter(pk=organization.pk).update(registered_by_id="330203")
    url = "/api/v1/credit-list-entries/"
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "district": "330212"}).json()["count"] == 1
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "district": "330203"}).json()["count"] == 0
    assert clerk_api.get(url, {"district": "330203"}).json()["count"] == 1


def test_entries_in_force_on_the_day(clerk_api):
    with at(BEFORE):
        organization = make_organization(name="名录协会")
        entry = make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=BEFORE)
    with at(D2):
        CreditListEntry.objects.filter(pk=entry.pk).update(removed_on=D2, removal_reason="已整改")
    url = "/api/v1/credit-list-entries/"
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "current": "true"}).json()["count"] == 1
    assert clerk_api.get(url, {"current": "true"}).json()["count"] == 0
    past = {"as_of": D1.isoformat()}
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "on_list": CreditList.ABNORMAL})) == ["名录协会"]
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "on_list": "none"})) == []
    assert names(clerk_api.get(ORGANIZATIONS, {"on_list": CreditList.ABNORMAL})) == []
    listed = clerk_api.get(ORGANIZATIONS, past).json()["results"][0]
    assert listed != clerk_api.get(ORGANIZATIONS).json()["results"][0]


def test_an_entry_recorded_after_the_day_was_not_in_force_on_it(clerk_api):
    with at(BEFORE):
        organization = make_organization(name="补录协会")
    with at(D2):
        make_credit_entry(organization, listed_on=BEFORE)  # listed before D1, entered on D2
    past = {"as_of": D1.isoformat()}
    assert names(clerk_api.get(ORGANIZATIONS, {**past, "on_list": "any"})) == []
    assert names(clerk_api.get(ORGANIZATIONS, {"on_list": "any"})) == ["补录协会"]


def test_a_filing_has_the_township_and_district_of_the_day(clerk_api):
    with at(BEFORE):
        filing = make_filing(name="搬迁的队", township=YINZHOU_TOWNSHIP)
    with at(D2):
        CommunityOrganization.objects.filter(pk=filing.pk).update(
            township_id=HAISHU_TOWNSHIP, district_id="330203", community=None
        )
    url = "/api/v1/community-organizations/"
    past = {"as_of": D1.isoformat()}
    assert names(clerk_api.get(url, {**past, "township": YINZHOU_TOWNSHIP})) == ["搬迁的队"]
    assert names(clerk_api.get(url, {**past, "district": "330212"})) == ["搬迁的队"]
    assert names(clerk_api.get(url, {**past, "district": "330203"})) == []
    row = clerk_api.get(url, past).json()["results"][0]
    assert (row["township"], row["district"]) == (YINZHOU_TOWNSHIP, "330212")
    assert names(clerk_api.get(url, {"district": "330203"})) == ["搬迁的队"]


def test_an_evaluations_status_filter_reads_the_day(clerk_api):
    with at(BEFORE):
        # Valid for five years: through 2024-03-31, after D1 and before today.
        make_evaluation(make_organization(), grade=4, concluded_on=datetime.date(2019, 4, 1))
    url = "/api/v1/evaluations/"
    assert clerk_api.get(url, {"status": "expired"}).json()["count"] == 1
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "status": "expired"}).json()["count"] == 0


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_past_days_export_keeps_its_sha256_when_a_joined_record_changes_later(clerk_api, rated, file_format):
    """The grade column of an export of D1 reads the ratings of D1: a rating entered or corrected today
    leaves the file, and so its SHA-256 in the export log, as it was (DESIGN §12, manifests)."""
    params = {"as_of": D1.isoformat(), "format": file_format}
    first = clerk_api.get(ORGANIZATIONS, params)
    before = hashlib.sha256(content_of(first)).hexdigest()
    first_organization, _second = rated
    make_evaluation(first_organization, grade=5, concluded_on=BEFORE - datetime.timedelta(days=1))
    Evaluation.objects.filter(grade=3).update(grade=2)
    again = clerk_api.get(ORGANIZATIONS, params)
    assert hashlib.sha256(content_of(again)).hexdigest() == before
    log = clerk_api.get(f"/api/v1/export-log/{again['X-Export-Id']}/").json()
    assert log["sha256"] == before


def test_a_long_export_as_of_a_day_reads_the_joined_records_of_that_day(clerk_api, rated):
    asked = {"resource": "organizations", "params": {"as_of": D1.isoformat()}, "format": "csv"}
    response = clerk_api.post("/api/v1/exports/", asked, format="json")
    assert response.status_code == 202, response.content
    run_ready_jobs()
    header, *rows = read_csv(clerk_api.get(f"/api/v1/exports/{response.json()['id']}/file/"))
    assert {row[header.index("名称")]: row[header.index("当前评估等级")] for row in rows} == {
        "甲协会": "4A",
        "乙协会": "",
    }
