"""`seed_demo` at scale 1 reproduces every figure of DESIGN §1 (seeded once for the module)."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from core.models import ChangeRecord
from platforms.models import Platform
from procurement.choices import FundingSource
from procurement.models import ProjectCap, PurchasedServiceProject
from registry.models import CommunityOrganization, Division, Organization, PartyOrganization
from registry.validators import check_uscc_form
from reports.models import PublishedFigure
from reports.published import published_comparisons
from reports.selectors import statistics
from tests.conftest import make_organization

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
REPLY_DATE = datetime.date(2023, 6, 15)
END_2022 = datetime.date(2022, 12, 31)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The scale-1 demo data, written once for this module inside a transaction rolled back after it
    (each test runs in a savepoint within it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", scale=1, seed=333, verbosity=0)
        yield
        transaction.set_rollback(True)
    # seed_demo records its link tables' loads under content types it creates; the rollback removed
    # them from the database, so they must leave ContentType's cache too.
    ContentType.objects.clear_cache()


def test_organizations_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["organizations"]
    assert figures["total"] == 10224
    assert figures["by_type"] == {"social_group": 2627, "social_service": 7528, "foundation": 69}
    assert figures["city_level"] == {
        "total": 1039,
        "by_type": {"social_group": 603, "social_service": 400, "foundation": 36},
    }
    assert figures["community_foundations"] == 7 and figures["districts_with_community_foundation"] == 7


def test_community_organizations_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["community_organizations"]
    assert (figures["total"], figures["urban"], figures["rural"]) == (48847, 18003, 30844)
    assert (figures["per_urban_community"], figures["per_rural_community"]) == (26.0, 15.0)
    assert figures["active_rate"] == 0.76


def test_party_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["party"]
    assert figures["party_organizations"] == 922
    assert round(figures["members"], -3) == 15000  # "近1.5万"
    committee = figures["comprehensive_committee"]
    both = {key: committee[key] for key in ("organizations", "party_organizations", "members")}
    assert both == {"organizations": 162, "party_organizations": 88, "members": 269}
    # "市、县两级": the city's committee and the districts' hold them, and the levels add up to the reply's.
    city, district = committee["by_level"]["city"], committee["by_level"]["district"]
    assert min(city["party_organizations"], district["party_organizations"]) > 0
    for key in ("organizations", "party_organizations", "members"):
        assert city[key] + district[key] == both[key]
    party = PartyOrganization.objects.filter(is_demo=True)
    assert not party.filter(secretary="").exists() and party.exclude(instructor="").exists()


def test_demo_communities_lie_under_the_real_townships_of_every_district(demo):
    communities = Division.objects.filter(level="community", is_demo=True)
    assert communities.filter(urban=True).count() == 692 and communities.filter(urban=False).count() == 2056
    assert set(communities.values_list("parent__parent_id", flat=True)) == set(
        Division.objects.filter(level="district", successor__isnull=True).values_list("code", flat=True)
    )
    assert not communities.filter(parent__is_demo=True).exists()
    # No villages, filings or platforms invented in the functional zones, as if they were townships.
    assert not communities.filter(parent__kind="zone").exists()
    assert not CommunityOrganization.objects.filter(township__kind="zone", is_demo=True).exists()
    assert not Platform.objects.filter(division__kind="zone", is_demo=True).exists()
    assert all(name.startswith("【演示】") for name in communities.values_list("name", flat=True))
    for code, urban in communities.values_list("code", "urban"):
        assert len(code) == 12 and (1 <= int(code[-3:]) <= 199) == urban


def test_ratings_and_honours_at_the_end_of_2022(demo):
    figures = statistics(END_2022)
    assert figures["ratings"]["rated_3a_plus"] == 1293
    assert {grade: figures["ratings"]["by_grade"][grade] for grade in ("5", "4", "3")} == {
        "5": 257,
        "4": 334,
        "3": 702,
    }
    honours = figures["honours"]
    assert (honours["national_advanced"], honours["provincial_brand"], honours["provincial_leader"]) == (9, 31, 66)


def test_purchased_services_of_the_last_four_years(demo):
    figures = statistics(REPLY_DATE)["procurement"]
    assert figures["last_four_years"]["years"] == "2019–2022"
    assert figures["last_four_years"]["projects"] == 303
    assert figures["last_four_years"]["amount"] == "62892500.00"
    assert figures["by_year"]["2019"]["amount"] == "11990000.00"
    assert figures["by_year"]["2022"]["amount"] == "17960000.00"
    amounts = [Decimal(figures["by_year"][str(year)]["amount"]) for year in range(2019, 2023)]
    assert amounts == sorted(amounts)
    assert figures["transferred_functions"] == {"items": 109, "batches": 2}


def test_every_demo_special_fund_project_keeps_within_the_cap_of_its_year(demo):
    special = PurchasedServiceProject.objects.filter(is_demo=True, funding_source=FundingSource.CITY_SPECIAL_FUND)
    for year, amount in special.values_list("year", "amount"):
        assert amount <= ProjectCap.for_year(year).amount


def test_the_demos_other_projects_are_beside_the_citys_figure(demo):
    """The 303 are city departments' special-fund projects; district and other city-budget projects of
    the same years exist and are not counted, and some district projects exceed the cap."""
    figures = statistics(REPLY_DATE)["procurement"]
    assert figures["last_four_years"]["counts"] == "city_special_fund"
    assert figures["by_funding_source"]["city_special_fund"]["projects"] == 303
    assert figures["by_funding_source"]["district_budget"]["projects"] == 57
    assert figures["by_funding_source"]["city_budget"]["projects"] == 9
    district = PurchasedServiceProject.objects.filter(funding_source=FundingSource.DISTRICT_BUDGET)
    assert not district.filter(purchaser__division_id="330200").exists()
    assert district.filter(year=2022, amount__gt=250000).exists()
    assert (
        not PurchasedServiceProject.objects.filter(funding_source=FundingSource.CITY_SPECIAL_FUND)
        .exclude(purchaser__division_id="330200")
        .exists()
    )


def test_platforms_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["platforms"]
    assert figures["total"] == 152  # "150余个" (docs/decisions/0035-served-townships.md)
    assert figures["by_level"] == {"city": 2, "district": 10, "township": 140}
    assert figures["standardized_township_centres"] == 109
    assert figures["townships"] == 156 and figures["townships_without_platform"] == 0
    assert (figures["zones"], figures["zones_with_platform"]) == (6, 0)  # on their own line
    assert figures["city_innovation_parks"] == 1
    assert Decimal(figures["welfare_lottery_city"]) > 6000000
    assert statistics(datetime.date(2020, 5, 31))["platforms"]["city_innovation_parks"] == 1


def test_every_computable_published_figure_is_faithful(demo):
    unfaithful = [
        (result.figure.key, result.figure.district_id, str(result.registry_value), str(result.figure.value))
        for result in published_comparisons()
        if result.faithful is False
    ]
    assert unfaithful == []


def test_exact_published_figures_differ_by_zero(demo):
    for result in published_comparisons():
        if result.difference is not None and not result.figure.approximate:
            assert result.difference == 0, result.figure.key


def test_a_deregistration_on_or_before_the_reply_date_shows_as_a_difference(demo, clerk_api):
    organization = Organization.objects.filter(
        is_demo=True, status="active", org_type="social_group", registered_on__lt=REPLY_DATE
    ).first()
    response = clerk_api.post(
        f"/api/v1/organizations/{organization.pk}/deregister/", {"date": "2023-06-15", "reason": "测试"}, format="json"
    )
    assert response.status_code == 200, response.json()
    rows = {
        row["key"]: row
        for row in clerk_api.get("/api/v1/stats/", {"compare": "published"}).json()["published"]
        if row["district"] is None
    }
    assert rows["organizations.total"]["difference"] == -1
    assert rows["organizations.by_type.social_group"]["difference"] == -1
    assert rows["organizations.by_type.foundation"]["difference"] == 0


def test_every_demo_credit_code_is_valid(demo):
    for uscc in Organization.objects.filter(is_demo=True).values_list("uscc", flat=True).iterator():
        check_uscc_form(uscc)


# Every invented name of the demo data, by model: (model label, fields holding invented names).
INVENTED_NAMES = {
    "registry.Organization": ["name", "legal_representative"],
    "registry.Division": ["name"],
    "registry.CommunityOrganization": ["name", "contact_person"],
    "registry.PartyOrganization": ["name"],
    "platforms.Platform": ["name"],
    "procurement.Department": ["name"],
    "procurement.PurchasedServiceProject": ["title"],
    "procurement.TransferredFunction": ["name"],
}


@pytest.mark.parametrize(("label", "fields"), INVENTED_NAMES.items())
def test_every_invented_name_is_marked_as_demo_data(demo, label, fields):
    model = apps.get_model(label)
    rows = model.objects.filter(is_demo=True)
    assert rows.exists()
    for values in rows.values_list(*fields).iterator():
        assert all(value.startswith("【演示】") for value in values), values


VALIDATED = [
    "registry.Organization", "registry.Division", "registry.CommunityOrganization", "registry.PartyOrganization",
    "ratings.Evaluation", "ratings.Honour", "platforms.Platform", "platforms.StandardisationAssessment",
    "platforms.PlatformFunding", "procurement.PurchasedServiceProject", "procurement.TransferredFunction",
    "registry.AnnualReport", "registry.CreditListEntry",
]  # fmt: skip


@pytest.mark.parametrize("label", VALIDATED)
def test_demo_records_pass_model_validation(demo, label):
    model = apps.get_model(label)
    rows = model.objects.all()
    if any(field.name == "is_demo" for field in model._meta.fields):
        rows = rows.filter(is_demo=True)
    sample = list(rows.order_by("?")[:150])
    assert sample
    for record in sample:
        record.full_clean()


def test_honoured_leaders_are_marked_as_demo_persons(demo):
    from ratings.models import Honour

    persons = Honour.objects.exclude(person_name="")
    names = persons.filter(note__startswith="【演示】").values_list("person_name", flat=True)
    assert names and all(name.startswith("【演示】") for name in names)
    # the one real person: the reply's role model, from the fixtures
    assert list(persons.exclude(note__startswith="【演示】").values_list("person_name", flat=True)) == ["钱海军"]


def test_seed_demo_refuses_a_database_with_real_organizations(demo):
    make_organization()
    with pytest.raises(CommandError, match="real"):
        call_command("seed_demo", verbosity=0)


def test_seed_demo_refuses_to_write_twice(demo):
    with pytest.raises(CommandError, match="already holds demo data"):
        call_command("seed_demo", verbosity=0)


def test_the_published_figures_are_not_touched(demo):
    assert PublishedFigure.objects.filter(key="organizations.total").get().value == 10224


def test_the_bulk_load_is_recorded_once_per_model(demo):
    from core.models import ChangeRecord

    records = ChangeRecord.objects.filter(object_id=0, message__startswith="seed_demo")
    organizations = records.get(content_type__model="organization")
    assert organizations.changes["rows"] == [None, Organization.objects.filter(is_demo=True).count()]
    assert organizations.object_repr.startswith("【演示】") and organizations.source == "command"
    assert organizations.actor_name.startswith("manage.py seed_demo")
    assert records.count() == records.values("content_type").distinct().count()


def test_the_stats_api_counts_156_townships_zones_apart_and_every_published_figure_faithful(demo, clerk_api):
    body = clerk_api.get("/api/v1/stats/", {"as_of": "2023-06-15", "compare": "published"}).json()
    platforms = body["platforms"]
    assert (platforms["townships"], platforms["townships_without_platform"]) == (156, 0)
    assert (platforms["zones"], platforms["zones_with_platform"]) == (6, 0)
    assert [row["key"] for row in body["published"] if row["faithful"] is False] == []
    faithful = {row["key"] for row in body["published"] if row["faithful"]}
    assert {"platforms.total", "party.comprehensive_committee.organizations", "organizations.total"} <= faithful


def test_the_2022_rounds_concluded_the_demo_ratings_of_2022_and_an_open_round_has_every_status(demo):
    from evaluations.choices import ApplicationStatus
    from evaluations.models import EvaluationApplication, EvaluationRound
    from ratings.models import Evaluation

    rated_2022 = Evaluation.objects.filter(concluded_on__year=2022, downgraded_from__isnull=True)
    concluded_2022 = EvaluationApplication.objects.filter(round__year=2022)
    assert concluded_2022.count() == rated_2022.count() > 0
    assert set(concluded_2022.values_list("evaluation", flat=True)) == set(rated_2022.values_list("pk", flat=True))
    assert not concluded_2022.exclude(status=ApplicationStatus.CONCLUDED).exists()
    for application in concluded_2022.select_related("evaluation", "organization", "round")[:50]:
        assert application.concluded_on == application.evaluation.concluded_on
        assert application.organization.jurisdiction_district() == application.round.jurisdiction_district()
        assert application.notice_until < application.concluded_on and application.applied_on <= application.accepted_on
        application.full_clean()
    open_round = EvaluationRound.objects.get(year=2025)
    assert set(open_round.applications.values_list("status", flat=True)) == set(ApplicationStatus.values)
    for application in open_round.applications.all():
        application.full_clean()


def test_the_demo_history_leads_up_to_the_register_as_it_is(demo, clerk_api):
    """Records are created on their own dates, ended on theirs, and some organizations renamed: the
    register read `as_of` a past day is that day's (core/asof.py, reports/demo/history.py)."""
    organizations = ContentType.objects.get_for_model(Organization)
    renames = ChangeRecord.objects.filter(content_type=organizations, action="update", changes__has_key="name")
    rename = renames.filter(time__date__gt=datetime.date(2024, 1, 1)).order_by("pk").first()
    assert rename is not None and renames.count() > 100
    old, new = rename.changes["name"]
    before = (timezone.localtime(rename.time).date() - datetime.timedelta(days=1)).isoformat()
    code = Organization.objects.get(pk=rename.object_id).uscc
    assert clerk_api.get("/api/v1/organizations/", {"uscc": code, "as_of": before}).json()["results"][0]["name"] == old
    assert clerk_api.get("/api/v1/organizations/", {"uscc": code}).json()["results"][0]["name"] == new
    # On the reply date: the organizations registered on or before it, those ended after it still active.
    on_reply = clerk_api.get("/api/v1/organizations/", {"as_of": REPLY_DATE.isoformat(), "status": "active"})
    counting = Organization.objects.filter(registered_on__lte=REPLY_DATE).exclude(status_date__lte=REPLY_DATE)
    assert on_reply.json()["count"] == counting.count() == 10224
    later = Organization.objects.filter(registered_on__gt=REPLY_DATE).first()
    assert (
        clerk_api.get("/api/v1/organizations/", {"uscc": later.uscc, "as_of": REPLY_DATE.isoformat()}).json()["count"]
        == 0
    )
    filings = clerk_api.get("/api/v1/community-organizations/", {"as_of": REPLY_DATE.isoformat(), "status": "filed"})
    assert filings.json()["count"] == 48847


def test_the_demo_year_of_reports_is_mostly_filed_some_late_some_missing(demo):
    from registry.models import AnnualReport
    from supervision.selectors import reports_owed

    owed = reports_owed(2024, datetime.date(2026, 6, 1))
    assert owed["due"] > 9000 and 0.9 < owed["filed"] / owed["due"] < 0.99
    assert 0.02 < owed["overdue"] / owed["due"] < 0.15
    assert AnnualReport.objects.filter(year=2025, submitted_on__isnull=False, result="").exists()


def test_the_supervision_job_makes_every_kind_of_proposal_on_the_demo(demo):
    from supervision.choices import ProposalKind
    from supervision.jobs import run_supervision

    run = run_supervision(datetime.date(2026, 6, 1))
    assert set(run.created) == set(ProposalKind.values), run.created
    assert run_supervision(datetime.date(2026, 6, 1)).total == 0
