"""`GET /api/v1/stats/`: the contract of DESIGN §4, strict parameters, and `compare=published`."""

import datetime

import pytest
from django.utils import timezone

from registry.choices import OrgType
from reports.models import PublishedFigure
from tests.conftest import make_organization
from tests.reports.builders import D, ended_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/"


def test_anonymous_is_401(anonymous_api):
    assert anonymous_api.get(URL).status_code == 401


def test_every_role_reads_the_statistics(clerk_api, auditor_api, yinzhou_api):
    for client in (clerk_api, auditor_api, yinzhou_api):
        assert client.get(URL).status_code == 200


def test_as_of_defaults_to_today(clerk_api):
    assert clerk_api.get(URL).json()["as_of"] == timezone.localdate().isoformat()


def test_figures_on_the_date_asked(clerk_api):
    make_organization(registered_on=D(2020, 1, 1), org_type=OrgType.FOUNDATION)
    ended_organization(registered_on=D(2020, 1, 1), on=D(2023, 6, 15))
    body = clerk_api.get(URL, {"as_of": "2023-06-14"}).json()
    assert body["as_of"] == "2023-06-14" and body["district"] is None
    assert body["organizations"]["total"] == 2
    assert clerk_api.get(URL, {"as_of": "2023-06-15"}).json()["organizations"]["total"] == 1


def test_district_filters_and_is_echoed(clerk_api):
    make_organization(registered_by="330212")
    make_organization(registered_by="330203")
    body = clerk_api.get(URL, {"district": "330212"}).json()
    assert body["district"] == "330212" and body["organizations"]["total"] == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"asof": "2023-06-15"}, "asof"),
        ({"as_of": "2023-13-01"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"district": "999999"}, "district"),
        ({"district": "330212001"}, "district"),  # a township, not a district
        ({"district": "330200"}, "district"),  # the city is no district
        ({"district": "330204"}, "district"),  # historical: names its successor
        ({"compare": "official"}, "compare"),
    ],
)
def test_bad_or_unknown_parameters_are_400_naming_them(clerk_api, query, field):
    response = clerk_api.get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


def test_a_historical_district_code_names_its_successor(clerk_api):
    message = clerk_api.get(URL, {"district": "330204"}).json()["district"][0]
    assert "330212" in message


def test_compare_published_lists_every_published_figure_with_its_own_date(clerk_api):
    make_organization(registered_on=D(2023, 6, 15))
    body = clerk_api.get(URL, {"as_of": "2020-01-01", "compare": "published"}).json()
    assert body["organizations"]["total"] == 0
    rows = body["published"]
    assert len(rows) == PublishedFigure.objects.count()
    total = next(row for row in rows if row["key"] == "organizations.total")
    assert total["reference_date"] == "2023-06-15"
    assert total["value"] == 10224 and total["registry_value"] == 1 and total["difference"] == 1 - 10224
    assert total["faithful"] is False and total["approximate"] is False
    assert total["sentence"].startswith("截至目前")


def test_compare_marks_approximate_figures(clerk_api):
    rows = clerk_api.get(URL, {"compare": "published"}).json()["published"]
    members = next(row for row in rows if row["key"] == "party.members")
    assert members["approximate"] is True and members["comparison"] == "about"


def test_compare_with_a_district_lists_that_districts_figures(clerk_api):
    make_organization(
        org_type=OrgType.FOUNDATION,
        registered_by="330212",
        is_community_foundation=True,
        registered_on=datetime.date(2020, 1, 1),
    )
    rows = clerk_api.get(URL, {"district": "330212", "compare": "published"}).json()["published"]
    assert [row["key"] for row in rows] == ["organizations.community_foundations"]
    assert rows[0]["district"] == "330212"
    assert rows[0]["registry_value"] == 1 and rows[0]["difference"] == 0 and rows[0]["faithful"] is True
