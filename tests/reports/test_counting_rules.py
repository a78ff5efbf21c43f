"""The counting rules of DESIGN §4 on small crafted registers."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from core.models import ChangeRecord
from core.services import instance_save
from ratings.models import Honour
from ratings.services import honour_withdraw
from registry.choices import OrgStatus, OrgType
from registry.models import CommunityOrganization
from reports.selectors import (
    community_organization_figures,
    honour_figures,
    organization_figures,
    party_figures,
    platform_figures,
    procurement_figures,
    rating_figures,
    statistics,
)
from tests.conftest import make_organization
from tests.platforms.builders import NANMEN, XIAYING, YINZHOU, assess, fund, make_centre, make_platform
from tests.procurement.builders import make_department
from tests.ratings.builders import make_evaluation
from tests.registry.builders import (
    HAISHU_TOWNSHIP,
    YINZHOU_TOWNSHIP,
    make_community,
    make_filing,
    make_party_organization,
)
from tests.reports.builders import D, ended_organization, purchased_project, revoked_evaluation

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


# Platforms


def platforms_on(day, district=None) -> dict:
    return platform_figures(day, district)


def test_a_platform_counts_from_its_opening_day_until_the_day_before_it_closes():
    make_platform(XIAYING, opened_on=D(2021, 3, 1), closed_on=D(2022, 3, 1))
    assert platforms_on(D(2021, 2, 28), YINZHOU)["total"] == 0
    assert platforms_on(D(2021, 3, 1), YINZHOU)["total"] == 1
    assert platforms_on(D(2022, 2, 28), YINZHOU)["total"] == 1
    assert platforms_on(D(2022, 3, 1), YINZHOU)["total"] == 0


def test_platforms_by_kind_level_and_district():
    make_platform(XIAYING, kind="hub", opened_on=D(2020, 1, 1))
    make_platform(YINZHOU, kind="support", opened_on=D(2020, 1, 1))
    make_platform(NANMEN, kind="support", opened_on=D(2020, 1, 1))
    yinzhou = platforms_on(D(2023, 6, 15), YINZHOU)
    assert yinzhou["total"] == 2 and yinzhou["by_kind"] == {"hub": 1, "support": 1, "innovation_park": 0}
    assert yinzhou["by_level"] == {"city": 0, "district": 1, "township": 1}
    city = platforms_on(D(2023, 6, 15))
    # The innovation park of the fixtures (opened 2020-05-01) is the city's and belongs to no district.
    assert city["total"] == 4 and city["city_innovation_parks"] == 1
    assert platforms_on(D(2020, 4, 30))["city_innovation_parks"] == 0


def test_a_township_centre_is_standardised_by_its_latest_assessment_on_the_date():
    centre = make_centre(XIAYING, opened_on=D(2019, 1, 1))
    assess(centre, D(2021, 5, 1), "passed")
    assess(centre, D(2022, 5, 1), "failed")
    assess(centre, D(2023, 5, 1), "passed")
    assert platforms_on(D(2021, 4, 30))["standardized_township_centres"] == 0
    assert platforms_on(D(2021, 5, 1))["standardized_township_centres"] == 1
    assert platforms_on(D(2022, 5, 1))["standardized_township_centres"] == 0
    assert platforms_on(D(2023, 5, 1), YINZHOU)["standardized_township_centres"] == 1
    assert platforms_on(D(2023, 5, 1), "330203")["standardized_township_centres"] == 0


def test_townships_without_a_platform():
    before = platforms_on(D(2023, 6, 15), YINZHOU)
    make_platform(XIAYING, opened_on=D(2020, 1, 1))
    after = platforms_on(D(2023, 6, 15), YINZHOU)
    assert after["townships"] == before["townships"] > 0
    assert after["townships_without_platform"] == before["townships_without_platform"] - 1


def test_welfare_lottery_funds_of_the_year_of_the_date():
    platform = make_platform(YINZHOU, opened_on=D(2019, 1, 1))
    fund(platform, 2022, "3000000.00")
    fund(platform, 2023, "3200000.00")
    fund(platform, 2023, "50000.00", source="district_budget")
    assert platforms_on(D(2023, 6, 15))["welfare_lottery_city"] == "3200000.00"
    assert platforms_on(D(2022, 12, 31), YINZHOU)["welfare_lottery_city"] == "3000000.00"
    assert platforms_on(D(2022, 12, 31), "330203")["welfare_lottery_city"] == "0.00"


# Community organization filings


def cancelled(filing, on):
    CommunityOrganization.objects.filter(pk=filing.pk).update(status="cancelled", status_date=on, status_reason="测试")


def test_a_filing_counts_from_its_filing_day_until_the_day_before_its_cancellation():
    filing = make_filing(filed_on=D(2021, 3, 1))
    cancelled(filing, D(2023, 6, 15))
    assert community_organization_figures(D(2021, 2, 28), None)["total"] == 0
    assert community_organization_figures(D(2021, 3, 1), None)["total"] == 1
    assert community_organization_figures(D(2023, 6, 14), None)["total"] == 1
    assert community_organization_figures(D(2023, 6, 15), None)["total"] == 0


def test_urban_and_rural_filings_per_community_of_each_kind_and_the_active_share():
    urban_community, empty_urban = make_community(urban=True), make_community(urban=True)
    rural_community = make_community(urban=False)
    for _ in range(3):
        make_filing(community=urban_community, active=True)
    make_filing(community=rural_community, urban=False, active=False)
    figures = community_organization_figures(D(2023, 6, 15), YINZHOU)
    assert (figures["total"], figures["urban"], figures["rural"]) == (4, 3, 1)
    # Every community of the kind divides, those without filings too (docs/decisions/0062).
    assert empty_urban.urban and figures["urban_communities"] == 2 and figures["rural_communities"] == 1
    assert figures["per_urban_community"] == 1.5 and figures["per_rural_community"] == 1.0
    assert figures["active"] == 3 and figures["active_rate"] == 0.75


def test_the_active_share_on_a_past_day_reads_the_flags_of_that_day_from_the_history():
    """Flags changed after the day count as they were on it (the first later change's old value); a
    filing entered after the day counts with the flag it was entered with."""
    went_quiet, quiet_and_back, always_quiet = (make_filing(active=flag) for flag in (True, True, False))
    ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(CommunityOrganization),
        object_id__in=[went_quiet.pk, quiet_and_back.pk, always_quiet.pk],
    ).update(time=timezone.make_aware(datetime.datetime(2022, 1, 1, 9, 0)))  # entered in 2022
    for filing, flags in ((went_quiet, [False]), (quiet_and_back, [False, True])):
        for flag in flags:
            filing.active = flag
            instance_save(instance=filing, message="活跃度变更")
    make_filing(active=True)  # entered today, filed in 2021
    on_the_day = community_organization_figures(D(2023, 6, 15), YINZHOU)
    assert (on_the_day["total"], on_the_day["active"], on_the_day["active_rate"]) == (4, 3, 0.75)
    today = community_organization_figures(timezone.localdate(), YINZHOU)
    assert (today["total"], today["active"], today["active_rate"]) == (4, 2, 0.5)


def test_filings_of_a_district_are_those_in_its_townships():
    make_filing(township=YINZHOU_TOWNSHIP)
    make_filing(township=HAISHU_TOWNSHIP)
    assert community_organization_figures(D(2023, 6, 15), YINZHOU)["total"] == 1
    assert community_organization_figures(D(2023, 6, 15), "330203")["total"] == 1
    assert community_organization_figures(D(2023, 6, 15), None)["total"] == 2


def test_no_filings_and_no_communities_give_no_averages_rather_than_an_error():
    figures = community_organization_figures(D(2023, 6, 15), "330225")
    assert figures["total"] == 0 and figures["active_rate"] is None and figures["per_urban_community"] is None


# Party organizations


def test_a_party_organization_counts_from_its_establishment_until_the_day_before_its_dissolution():
    make_party_organization(established_on=D(2020, 7, 1), dissolved_on=D(2023, 6, 15), member_count=7)
    assert party_figures(D(2020, 6, 30), None)["party_organizations"] == 0
    assert party_figures(D(2020, 7, 1), None) == {
        "party_organizations": 1,
        "members": 7,
        "comprehensive_committee": {
            "organizations": 0,
            "party_organizations": 0,
            "members": 0,
            "by_level": {
                "city": {"organizations": 0, "party_organizations": 0, "members": 0},
                "district": {"organizations": 0, "party_organizations": 0, "members": 0},
            },
        },
    }
    assert party_figures(D(2023, 6, 15), None)["party_organizations"] == 0


def test_comprehensive_committees_count_the_organizations_they_cover_that_count_on_the_date():
    first, second = make_organization(registered_by="330212"), make_organization(registered_by="330212")
    leaving = ended_organization(registered_by="330212", on=D(2023, 1, 1))
    make_party_organization(first, second, leaving, comprehensive_committee=True, member_count=4)
    make_party_organization(make_organization(registered_by="330203"), member_count=20)
    committee = party_figures(D(2023, 6, 15), None)["comprehensive_committee"]
    assert {key: committee[key] for key in ("organizations", "party_organizations", "members")} == {
        "organizations": 2,
        "party_organizations": 1,
        "members": 4,
    }
    assert party_figures(D(2022, 12, 31), None)["comprehensive_committee"]["organizations"] == 3
    assert party_figures(D(2023, 6, 15), None)["members"] == 24


def test_party_organizations_of_a_district_cover_its_organizations():
    make_party_organization(make_organization(registered_by="330212"))
    make_party_organization(make_organization(registered_by="330203"), make_organization(registered_by="330203"))
    assert party_figures(D(2023, 6, 15), YINZHOU)["party_organizations"] == 1
    assert party_figures(D(2023, 6, 15), "330203")["party_organizations"] == 1
    assert party_figures(D(2023, 6, 15), None)["party_organizations"] == 2


# Ratings (DESIGN §2: the grade of the newest rating concluded by D, unless revoked by D or lapsed)


def grades_on(day, district=None) -> dict:
    return rating_figures(day, district)["by_grade"]


def test_a_rating_counts_on_its_valid_until_and_not_the_day_after():
    make_evaluation(make_organization(registered_on=D(2010, 1, 1)), grade=4, concluded_on=D(2018, 1, 1))
    assert grades_on(D(2017, 12, 31))["4"] == 0
    assert grades_on(D(2018, 1, 1))["4"] == 1
    assert grades_on(D(2022, 12, 31))["4"] == 1  # valid until 2022-12-31 inclusive
    assert grades_on(D(2023, 1, 1))["4"] == 0


def test_a_revoked_rating_drops_out_on_its_revocation_day_and_brings_no_older_one_back():
    organization = make_organization(registered_on=D(2010, 1, 1))
    make_evaluation(organization, grade=3, concluded_on=D(2018, 6, 1))
    newer = make_evaluation(organization, grade=5, concluded_on=D(2020, 6, 1))
    revoked_evaluation(newer, D(2022, 3, 1))
    assert grades_on(D(2020, 5, 31)) == {"5": 0, "4": 0, "3": 1, "2": 0, "1": 0}
    assert grades_on(D(2022, 2, 28))["5"] == 1
    assert grades_on(D(2022, 3, 1)) == {"5": 0, "4": 0, "3": 0, "2": 0, "1": 0}


def test_ratings_count_only_organizations_that_count_on_the_date():
    make_evaluation(ended_organization(registered_on=D(2010, 1, 1), on=D(2022, 6, 1)), concluded_on=D(2020, 1, 1))
    make_evaluation(make_organization(registered_on=D(2010, 1, 1)), grade=3, concluded_on=D(2020, 1, 1))
    assert rating_figures(D(2022, 5, 31), None)["rated_3a_plus"] == 2
    assert rating_figures(D(2022, 6, 1), None) == {
        "rated": 1,
        "rated_3a_plus": 1,
        "by_grade": {"5": 0, "4": 0, "3": 1, "2": 0, "1": 0},
    }


def test_ratings_of_a_district_are_those_of_its_organizations():
    make_evaluation(make_organization(registered_by="330212", registered_on=D(2010, 1, 1)), concluded_on=D(2020, 1, 1))
    make_evaluation(make_organization(registered_by="330200", registered_on=D(2010, 1, 1)), concluded_on=D(2020, 1, 1))
    assert rating_figures(D(2022, 12, 31), YINZHOU)["rated_3a_plus"] == 1
    assert rating_figures(D(2022, 12, 31), None)["rated_3a_plus"] == 2


def test_honours_count_from_their_year():
    brand = make_organization(registered_on=D(2010, 1, 1))
    Honour.objects.create(kind="provincial_brand", year=2022, organization=brand)
    Honour.objects.create(kind="provincial_brand", year=2023, organization=make_organization())
    Honour.objects.create(kind="provincial_leader", year=2022, organization=brand, person_name="张三")
    assert honour_figures(D(2022, 12, 31), None)["provincial_brand"] == 1
    assert honour_figures(D(2023, 1, 1), None)["provincial_brand"] == 2
    assert honour_figures(D(2022, 12, 31), None)["provincial_leader"] == 1
    assert honour_figures(D(2021, 12, 31), None)["provincial_leader"] == 0


def test_a_withdrawn_honour_counts_until_the_day_before_its_withdrawal():
    brand = make_organization(registered_on=D(2010, 1, 1))
    honour = Honour.objects.create(kind="provincial_brand", year=2021, organization=brand)
    honour_withdraw(honour=honour, on=D(2023, 6, 30), reason="撤销品牌称号", actor=None)
    assert honour_figures(D(2023, 6, 29), None)["provincial_brand"] == 1
    assert honour_figures(D(2023, 6, 30), None)["provincial_brand"] == 0


# Purchased services: the four calendar years before the date's (docs/decisions/0060)


def test_the_last_four_years_are_the_four_calendar_years_before_the_date():
    provider = make_organization(registered_on=D(2010, 1, 1))
    for year, amount in ((2018, "90000"), (2019, "100000"), (2022, "150000"), (2023, "120000")):
        purchased_project(year=year, amount=amount, provider=provider)
    purchased_project(year=2020, amount="80000", provider=provider, status="cancelled")
    figures = procurement_figures(D(2023, 6, 15), None)
    assert figures["last_four_years"] == {
        "years": "2019–2022",
        "counts": "city_special_fund",
        "projects": 2,
        "amount": "250000.00",
        "growth": 0.5,
    }
    assert figures["by_year"]["2019"] == {"projects": 1, "amount": "100000.00"}
    assert figures["by_year"]["2020"] == {"projects": 0, "amount": "0.00"}
    assert procurement_figures(D(2024, 1, 1), None)["last_four_years"]["years"] == "2020–2023"


def test_the_cap_in_force_on_the_date():
    assert procurement_figures(D(2020, 12, 31), None)["project_cap"] == "200000.00"
    assert procurement_figures(D(2021, 1, 1), None)["project_cap"] == "250000.00"


def test_projects_of_a_district_are_those_its_departments_purchased():
    """Decision 0053: the purchaser decides, not the provider's district."""
    yinzhou_department = make_department("鄞州区民政局", division=YINZHOU)
    haishu_provider = make_organization(registered_by="330203")
    purchased_project(year=2021, amount="300000", provider=haishu_provider, purchaser=yinzhou_department)
    purchased_project(year=2021, amount="100000", provider=make_organization(registered_by=YINZHOU))
    yinzhou = procurement_figures(D(2023, 6, 15), YINZHOU)
    assert yinzhou["last_four_years"]["counts"] == "district_purchases"
    assert (yinzhou["last_four_years"]["projects"], yinzhou["last_four_years"]["amount"]) == (1, "300000.00")
    assert procurement_figures(D(2023, 6, 15), "330203")["last_four_years"]["projects"] == 0


def test_the_citys_figure_counts_the_city_special_fund_only():
    provider = make_organization(registered_by=YINZHOU)
    purchased_project(year=2021, amount="100000", provider=provider)  # a city department: the special fund
    purchased_project(year=2021, amount="90000", provider=provider, funding_source="city_budget")
    district = make_department("鄞州区卫生健康局", division=YINZHOU)
    purchased_project(year=2022, amount="300000", provider=provider, purchaser=district)
    city = procurement_figures(D(2023, 6, 15), None)
    assert city["last_four_years"]["counts"] == "city_special_fund"
    assert (city["last_four_years"]["projects"], city["last_four_years"]["amount"]) == (1, "100000.00")
    assert city["by_funding_source"] == {
        "city_special_fund": {"projects": 1, "amount": "100000.00"},
        "city_budget": {"projects": 1, "amount": "90000.00"},
        "district_budget": {"projects": 1, "amount": "300000.00"},
    }
