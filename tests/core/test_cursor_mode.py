"""Cursor mode (`?after=<id>`): every page costs the same at any depth; `count` stays exact."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def organizations():
    return [make_organization(registered_by="330212" if index % 2 else "330203").pk for index in range(7)]


def test_following_next_reads_every_row_once_in_id_order(clerk_api, organizations):
    seen, url = [], "/api/v1/organizations/?after=0&page_size=3"
    while url:
        body = clerk_api.get(url).json()
        assert body["count"] == 7
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(organizations)


def test_cursor_mode_keeps_the_filters_and_the_exact_count(clerk_api, organizations):
    body = clerk_api.get("/api/v1/organizations/", {"after": organizations[0], "district": "330212"}).json()
    assert body["count"] == 3
    assert [row["registered_by"] for row in body["results"]] == ["330212"] * 3
    assert body["next"] is None and body["previous"] is None


def test_cursor_mode_refuses_an_ordering_or_a_page_number(clerk_api, organizations):
    for extra in ({"ordering": "name"}, {"page": 2}):
        response = clerk_api.get("/api/v1/organizations/", {"after": 0, **extra})
        assert response.status_code == 400
        assert "after" in response.json()


@pytest.mark.parametrize("value", ["x", "-1", "1e3", str(2**63)])
def test_cursor_that_is_not_an_id_is_a_400(clerk_api, value):
    response = clerk_api.get("/api/v1/organizations/", {"after": value})
    assert response.status_code == 400
    assert "after" in response.json()


def test_cursor_page_costs_as_many_queries_as_a_numbered_page(clerk_api, organizations):
    clerk_api.get("/api/v1/organizations/")  # the token's first use records it (one write)
    with CaptureQueriesContext(connection) as numbered:
        clerk_api.get("/api/v1/organizations/", {"page_size": 3})
    with CaptureQueriesContext(connection) as cursor:
        clerk_api.get("/api/v1/organizations/", {"page_size": 3, "after": organizations[2]})
    assert len(cursor) == len(numbered)


def test_cursor_mode_is_in_the_schema(clerk_api):
    parameters = clerk_api.get("/api/schema/", {"format": "json"}).json()["paths"]["/api/v1/organizations/"]["get"][
        "parameters"
    ]
    assert "after" in {parameter["name"] for parameter in parameters}
