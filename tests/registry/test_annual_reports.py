"""Annual work reports (年度工作报告, formerly 年检): one per organization and year, filed then reviewed;
organizations filterable by the latest result."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import selectors
from registry.choices import ReportResult
from tests.conftest import make_organization
from tests.registry.builders import make_annual_report

pytestmark = [pytest.mark.django_db, pytest.mark.date_sensitive]
URL = "/api/v1/annual-reports/"
ORGANIZATIONS = "/api/v1/organizations/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_clerk_records_a_reviewed_report(clerk_api):
    organization = make_organization()
    response = clerk_api.post(
        URL,
        {
            "organization": organization.pk,
            "year": 2022,
            "submitted_on": "2023-04-02",
            "result": "basically_passed",
            "reviewed_on": "2023-05-20",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["result"] == ReportResult.BASICALLY_PASSED and body["submitted_on"] == "2023-04-02"
    assert body["reviewed_on"] == "2023-05-20"


def test_a_report_is_filed_first_and_reviewed_later(clerk_api):
    organization = make_organization()
    filed = clerk_api.post(URL, {"organization": organization.pk, "year": 2022, "submitted_on": "2023-04-02"})
    assert filed.status_code == 201 and filed.json()["result"] == "", filed.json()
    detail = f"{URL}{filed.json()['id']}/"
    reviewed = clerk_api.patch(detail, {"result": "passed", "reviewed_on": "2023-05-02"}, format="json")
    assert reviewed.status_code == 200 and reviewed.json()["result"] == "passed", reviewed.json()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"result": "passed"}, "submitted_on"),
        ({"submitted_on": "2023-04-02", "reviewed_on": "2023-05-02"}, "result"),
        ({"submitted_on": "2023-04-02", "result": "passed", "reviewed_on": "2023-04-01"}, "reviewed_on"),
    ],
)
def test_a_result_needs_a_filing_and_a_review_needs_a_result(clerk_api, data, field):
    organization = make_organization()
    response = clerk_api.post(URL, {"organization": organization.pk, "year": 2022, **data}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_one_report_per_organization_and_year_is_400_naming_year(clerk_api):
    report = make_annual_report(year=2021)
    response = clerk_api.post(
        URL,
        {"organization": report.organization_id, "year": 2021, "submitted_on": "2023-03-01", "result": "failed"},
        format="json",
    )
    assert response.status_code == 400 and "year" in response.json()
    other_year = clerk_api.post(
        URL,
        {"organization": report.organization_id, "year": 2022, "submitted_on": "2023-03-01", "result": "failed"},
        format="json",
    )
    assert other_year.status_code == 201


@pytest.mark.parametrize(
    "field, value",
    [
        ("year", datetime.date.today().year + 1),
        ("year", 2014),
        ("result", "excellent"),
        ("reviewed_on", "2013-01-01"),
        ("submitted_on", "2019-01-01"),
    ],
)
def test_bad_reports_are_400_naming_the_field(clerk_api, field, value):
    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    data = {
        "organization": organization.pk,
        "year": 2020,
        "submitted_on": "2021-03-01",
        "result": "passed",
        field: value,
    }
    response = clerk_api.post(URL, data, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_organizations_filter_by_their_latest_result(clerk_api):
    improved, failed, never = make_organization(), make_organization(), make_organization()
    make_annual_report(improved, year=2021, result=ReportResult.FAILED)
    make_annual_report(improved, year=2022, result=ReportResult.PASSED)
    make_annual_report(failed, year=2022, result=ReportResult.FAILED)
    assert ids(clerk_api.get(ORGANIZATIONS, {"report_result": "passed"})) == {improved.pk}
    assert ids(clerk_api.get(ORGANIZATIONS, {"report_result": "failed"})) == {failed.pk}
    assert ids(clerk_api.get(ORGANIZATIONS, {"report_result": "none"})) == {never.pk}
    assert clerk_api.get(ORGANIZATIONS, {"report_result": "good"}).status_code == 400


def test_the_organization_record_shows_its_latest_annual_report(clerk_api):
    organization = make_organization()
    assert clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()["latest_annual_report"] is None
    make_annual_report(organization, year=2021, result="", submitted_on=None)
    make_annual_report(organization, year=2022, result=ReportResult.PASSED)
    body = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert body["latest_annual_report"] == {"year": 2022, "result": "passed"}


def test_selectors_for_eligibility():
    organization, other = make_organization(), make_organization()
    make_annual_report(organization, year=2021, result=ReportResult.FAILED)
    newest = make_annual_report(organization, year=2022, result=ReportResult.PASSED)
    make_annual_report(other, year=2021, result="", submitted_on=None)
    assert selectors.report_result(organization, 2021) == ReportResult.FAILED
    assert selectors.report_result(organization.pk, 2020) is None
    assert selectors.report_results([organization.pk, other.pk], 2021) == {
        organization.pk: ReportResult.FAILED,
        other.pk: "",
    }
    latest = selectors.latest_annual_reports([organization.pk, other.pk])
    assert latest[organization.pk].pk == newest.pk and latest[other.pk].year == 2021


def test_filters(clerk_api):
    first = make_annual_report(year=2021, result=ReportResult.PASSED)
    second = make_annual_report(year=2022, result=ReportResult.FAILED)
    haishu = make_annual_report(make_organization(registered_by_id="330203"), year=2022)
    assert ids(clerk_api.get(URL, {"year": 2022})) == {second.pk, haishu.pk}
    assert ids(clerk_api.get(URL, {"result": "failed"})) == {second.pk}
    assert ids(clerk_api.get(URL, {"organization": first.organization_id})) == {first.pk}
    assert ids(clerk_api.get(URL, {"district": "330203"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"year_from": 2022, "year_until": 2022})) == {second.pk, haishu.pk}
    missing = make_annual_report(year=2022, result="", submitted_on=None)
    unreviewed = make_annual_report(year=2022, result="")
    assert ids(clerk_api.get(URL, {"submitted": "false"})) == {missing.pk}
    assert unreviewed.pk in ids(clerk_api.get(URL, {"submitted": "true"})) - {missing.pk}
    assert ids(clerk_api.get(URL, {"reviewed": "false"})) >= {missing.pk, unreviewed.pk}
    assert clerk_api.get(URL, {"yaer": 2022}).status_code == 400


def test_district_records_reports_of_its_own_organizations_only(yinzhou_api):
    own, other = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    assert (
        yinzhou_api.post(
            URL, {"organization": own.pk, "year": 2022, "submitted_on": "2023-03-01", "result": "passed"}, format="json"
        ).status_code
        == 201
    )
    assert (
        yinzhou_api.post(
            URL,
            {"organization": other.pk, "year": 2022, "submitted_on": "2023-03-01", "result": "passed"},
            format="json",
        ).status_code
        == 403
    )
    city = make_organization(registered_by_id="330200")
    assert (
        yinzhou_api.post(
            URL,
            {"organization": city.pk, "year": 2022, "submitted_on": "2023-03-01", "result": "passed"},
            format="json",
        ).status_code
        == 403
    )


def test_delete_is_405(clerk_api):
    report = make_annual_report()
    assert clerk_api.delete(f"{URL}{report.pk}/").status_code == 405


def test_list_query_count_is_constant(clerk_api):
    make_annual_report()
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as one:
        clerk_api.get(URL)
    for _ in range(20):
        make_annual_report()
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(URL).json()["results"]) == 21
    assert len(one) == len(many) == 3  # token (with its user's roles), count, page


def test_bulk_files_reports_keyed_by_organization_and_year(yinzhou_api):
    first, second = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330212")
    existing = make_annual_report(first, year=2023, result="", submitted_on=None)
    rows = [
        {"organization": first.pk, "year": 2023, "submitted_on": "2024-04-20"},
        {"organization": second.pk, "year": 2023, "submitted_on": "2024-05-02", "remarks": "按时报送"},
    ]
    response = yinzhou_api.post(f"{URL}bulk/", rows, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["results"] == [
        {"index": 0, "id": existing.pk, "action": "updated"},
        {"index": 1, "id": response.json()["results"][1]["id"], "action": "created"},
    ]
    existing.refresh_from_db()
    assert existing.submitted_on == datetime.date(2024, 4, 20)


def test_bulk_is_all_or_nothing_and_403_outside_the_district(yinzhou_api):
    own, other = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    bad = [
        {"organization": own.pk, "year": 2023, "submitted_on": "2024-04-20"},
        {"organization": own.pk, "year": 2022, "result": "passed"},
    ]
    response = yinzhou_api.post(f"{URL}bulk/", bad, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["index"] == 1, response.json()
    foreign = [bad[0], {"organization": other.pk, "year": 2023, "submitted_on": "2024-04-20"}]
    assert yinzhou_api.post(f"{URL}bulk/", foreign, format="json").status_code == 403
    twice = [bad[0], bad[0]]
    assert yinzhou_api.post(f"{URL}bulk/", twice, format="json").status_code == 400
    assert not own.annual_reports.exists() and not other.annual_reports.exists()
    too_many = [{"organization": own.pk, "year": 2023}] * 1001
    assert yinzhou_api.post(f"{URL}bulk/", too_many, format="json").status_code == 413
