"""Annual inspections (年检): one per organization and year; organizations filterable by the latest result."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import selectors
from registry.choices import InspectionResult
from tests.conftest import make_organization
from tests.registry.builders import make_inspection

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
URL = "/api/v1/inspections/"
ORGANIZATIONS = "/api/v1/organizations/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_clerk_records_an_inspection(clerk_api):
    organization = make_organization()
    response = clerk_api.post(
        URL,
        {"organization": organization.pk, "year": 2022, "result": "basically_passed", "concluded_on": "2023-05-20"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["result"] == InspectionResult.BASICALLY_PASSED


def test_one_inspection_per_organization_and_year_is_400_naming_year(clerk_api):
    inspection = make_inspection(year=2021)
    response = clerk_api.post(
        URL, {"organization": inspection.organization_id, "year": 2021, "result": "failed"}, format="json"
    )
    assert response.status_code == 400 and "year" in response.json()
    other_year = clerk_api.post(
        URL, {"organization": inspection.organization_id, "year": 2022, "result": "failed"}, format="json"
    )
    assert other_year.status_code == 201


@pytest.mark.parametrize(
    "field, value",
    [("year", datetime.date.today().year + 1), ("year", 2014), ("result", "excellent"), ("concluded_on", "2013-01-01")],
)
def test_bad_inspections_are_400_naming_the_field(clerk_api, field, value):
    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    data = {"organization": organization.pk, "year": 2020, "result": "passed", field: value}
    response = clerk_api.post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_organizations_filter_by_their_latest_result(clerk_api):
    improved, failed, never = make_organization(), make_organization(), make_organization()
    make_inspection(improved, year=2021, result=InspectionResult.FAILED)
    make_inspection(improved, year=2022, result=InspectionResult.PASSED)
    make_inspection(failed, year=2022, result=InspectionResult.FAILED)
    assert ids(clerk_api.get(ORGANIZATIONS, {"inspection_result": "passed"})) == {improved.pk}
    assert ids(clerk_api.get(ORGANIZATIONS, {"inspection_result": "failed"})) == {failed.pk}
    assert ids(clerk_api.get(ORGANIZATIONS, {"inspection_result": "none"})) == {never.pk}
    assert clerk_api.get(ORGANIZATIONS, {"inspection_result": "good"}).status_code == 400


def test_the_organization_record_shows_its_latest_inspection(clerk_api):
    organization = make_organization()
    assert clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()["latest_inspection"] is None
    make_inspection(organization, year=2021, result=InspectionResult.ABSENT)
    make_inspection(organization, year=2022, result=InspectionResult.PASSED)
    body = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert body["latest_inspection"] == {"year": 2022, "result": "passed"}


def test_selectors_for_eligibility():
    organization, other = make_organization(), make_organization()
    make_inspection(organization, year=2021, result=InspectionResult.FAILED)
    newest = make_inspection(organization, year=2022, result=InspectionResult.PASSED)
    make_inspection(other, year=2021, result=InspectionResult.ABSENT)
    assert selectors.inspection_result(organization, 2021) == InspectionResult.FAILED
    assert selectors.inspection_result(organization.pk, 2020) is None
    assert selectors.inspection_results([organization.pk, other.pk], 2021) == {
        organization.pk: InspectionResult.FAILED,
        other.pk: InspectionResult.ABSENT,
    }
    latest = selectors.latest_inspections([organization.pk, other.pk])
    assert latest[organization.pk].pk == newest.pk and latest[other.pk].year == 2021


def test_filters(clerk_api):
    first = make_inspection(year=2021, result=InspectionResult.PASSED)
    second = make_inspection(year=2022, result=InspectionResult.FAILED)
    haishu = make_inspection(make_organization(registered_by_id="330203"), year=2022)
    assert ids(clerk_api.get(URL, {"year": 2022})) == {second.pk, haishu.pk}
    assert ids(clerk_api.get(URL, {"result": "failed"})) == {second.pk}
    assert ids(clerk_api.get(URL, {"organization": first.organization_id})) == {first.pk}
    assert ids(clerk_api.get(URL, {"district": "330203"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"year_from": 2022, "year_until": 2022})) == {second.pk, haishu.pk}
    assert clerk_api.get(URL, {"yaer": 2022}).status_code == 400


def test_district_records_inspections_of_its_own_organizations_only(yinzhou_api):
    own, other = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    assert (
        yinzhou_api.post(URL, {"organization": own.pk, "year": 2022, "result": "passed"}, format="json").status_code
        == 201
    )
    assert (
        yinzhou_api.post(URL, {"organization": other.pk, "year": 2022, "result": "passed"}, format="json").status_code
        == 403
    )
    city = make_organization(registered_by_id="330200")
    assert (
        yinzhou_api.post(URL, {"organization": city.pk, "year": 2022, "result": "passed"}, format="json").status_code
        == 403
    )


def test_delete_is_405(clerk_api):
    inspection = make_inspection()
    assert clerk_api.delete(f"{URL}{inspection.pk}/").status_code == 405


def test_list_query_count_is_constant(clerk_api):
    make_inspection()
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as one:
        clerk_api.get(URL)
    for _ in range(20):
        make_inspection()
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(URL).json()["results"]) == 21
    assert len(one) == len(many) == 4  # token, role groups, count, page
