"""The counting rules of DESIGN §4 on small crafted registers."""

import pytest

from registry.choices import OrgStatus, OrgType
from reports.selectors import organization_figures, statistics
from tests.conftest import make_organization
from tests.reports.builders import D, ended_organization

pytestmark = pytest.mark.django_db


def total_on(day, district=None) -> int:
    return organization_figures(day, district)["total"]


def test_an_organization_counts_from_its_registration_day():
    make_organization(registered_on=D(2023, 6, 15))
    assert total_on(D(2023, 6, 14)) == 0
    assert total_on(D(2023, 6, 15)) == 1


@pytest.mark.parametrize("status", [OrgStatus.DEREGISTERED, OrgStatus.REVOKED])
def test_a_deregistered_or_revoked_organization_drops_out_on_its_status_date(status):
    ended_organization(status=status, on=D(2023, 3, 1))
    assert total_on(D(2023, 2, 28)) == 1
    assert total_on(D(2023, 3, 1)) == 0
    assert total_on(D(2024, 1, 1)) == 0


def test_types_and_city_level_are_counted_apart():
    make_organization(org_type=OrgType.SOCIAL_GROUP, registered_by="330200")
    make_organization(org_type=OrgType.FOUNDATION, registered_by="330200")
    make_organization(org_type=OrgType.SOCIAL_SERVICE, registered_by="330212")
    figures = organization_figures(D(2023, 6, 15), None)
    assert figures["total"] == 3
    assert figures["by_type"] == {"social_group": 1, "social_service": 1, "foundation": 1}
    assert figures["city_level"] == {
        "total": 2,
        "by_type": {"social_group": 1, "social_service": 0, "foundation": 1},
    }


def test_a_district_counts_the_organizations_it_registers_and_none_of_the_citys():
    make_organization(registered_by="330200", domicile_id="330212")
    make_organization(registered_by="330212")
    make_organization(registered_by="330203")
    assert total_on(D(2023, 6, 15), "330212") == 1
    assert total_on(D(2023, 6, 15), "330203") == 1
    assert total_on(D(2023, 6, 15)) == 3
    assert organization_figures(D(2023, 6, 15), "330212")["city_level"]["total"] == 0


def test_community_development_foundations_and_their_districts():
    for district in ("330203", "330203", "330212"):
        make_organization(org_type=OrgType.FOUNDATION, registered_by=district, is_community_foundation=True)
    ended_organization(
        org_type=OrgType.FOUNDATION, registered_by="330205", is_community_foundation=True, on=D(2023, 1, 1)
    )
    figures = organization_figures(D(2023, 6, 15), None)
    assert figures["community_foundations"] == 3
    assert figures["districts_with_community_foundation"] == 2
    assert organization_figures(D(2022, 12, 31), None)["districts_with_community_foundation"] == 3


def test_statistics_name_their_date_and_district():
    data = statistics(D(2023, 6, 15), "330212")
    assert data["as_of"] == "2023-06-15" and data["district"] == "330212"
    assert data["organizations"]["total"] == 0
