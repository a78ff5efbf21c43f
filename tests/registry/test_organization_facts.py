"""The read-only facts other tables hold about an organization (party_org, latest_annual_report,
credit_lists) cost a constant number of queries per page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.api.serializers import OrganizationSerializer
from registry.choices import CreditList, ReportResult
from tests.conftest import make_organization
from tests.registry.builders import make_annual_report, make_credit_entry, make_party_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


def with_facts(index: int):
    organization = make_organization()
    make_annual_report(organization, year=2021, result=ReportResult.FAILED)
    make_annual_report(organization, year=2022, result=ReportResult.PASSED)
    make_credit_entry(organization, kind=CreditList.ABNORMAL, listed_on=datetime.date(2022, 1, index % 28 + 1))
    if index % 2:
        make_credit_entry(organization, kind=CreditList.SERIOUS)
    make_party_organization(organization)
    return organization


def test_organization_list_with_facts_costs_a_constant_number_of_queries(clerk_api):
    with_facts(0)
    clerk_api.get(URL)  # the first use of a token records last_used
    with CaptureQueriesContext(connection) as one:
        body = clerk_api.get(URL).json()
    assert body["results"][0]["party_org"] is True
    for index in range(1, 30):
        with_facts(index)
    with CaptureQueriesContext(connection) as thirty:
        rows = clerk_api.get(URL).json()["results"]
    assert len(rows) == 30
    assert all(row["party_org"] and row["latest_annual_report"] == {"year": 2022, "result": "passed"} for row in rows)
    assert {len(row["credit_lists"]) for row in rows} == {1, 2}
    # token (with its user's roles), count, page, the page's current credit-list entries
    assert len(one) == len(thirty) == 4, [query["sql"] for query in thirty.captured_queries]


def test_an_organization_read_without_the_annotations_shows_the_same_facts(clerk_api):
    organization = with_facts(1)
    plain = OrganizationSerializer(organization).data
    through_api = clerk_api.get(f"{URL}{organization.pk}/").json()
    for name in ("party_org", "latest_annual_report", "credit_lists"):
        assert plain[name] == through_api[name]
