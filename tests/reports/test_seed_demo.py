"""`seed_demo` at scale 1 reproduces every figure of DESIGN §1 (seeded once for the module)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from registry.models import Organization
from registry.validators import check_uscc_form
from reports.models import PublishedFigure
from reports.selectors import published_comparisons, statistics
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


def test_organizations_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["organizations"]
    assert figures["total"] == 10224
    assert figures["by_type"] == {"social_group": 2627, "social_service": 7528, "foundation": 69}
    assert figures["city_level"] == {
        "total": 1039,
        "by_type": {"social_group": 603, "social_service": 400, "foundation": 36},
    }
    assert figures["community_foundations"] == 7 and figures["districts_with_community_foundation"] == 7


def test_platforms_on_the_reply_date(demo):
    figures = statistics(REPLY_DATE)["platforms"]
    assert figures["total"] > 150  # "150余个"
    assert figures["standardized_township_centres"] == 109
    assert figures["townships"] == 162 and figures["townships_without_platform"] == 0
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


def test_every_demo_credit_code_is_valid_and_every_name_marked(demo):
    for uscc, name in Organization.objects.filter(is_demo=True).values_list("uscc", "name").iterator():
        check_uscc_form(uscc)
        assert name.startswith("【演示】")


def test_demo_organizations_pass_model_validation(demo):
    for organization in Organization.objects.filter(is_demo=True).order_by("?")[:200]:
        organization.full_clean()


def test_seed_demo_refuses_a_database_with_real_organizations(demo):
    make_organization()
    with pytest.raises(CommandError, match="real"):
        call_command("seed_demo", verbosity=0)


def test_seed_demo_refuses_to_write_twice(demo):
    with pytest.raises(CommandError, match="already holds demo data"):
        call_command("seed_demo", verbosity=0)


def test_the_published_figures_are_not_touched(demo):
    assert PublishedFigure.objects.filter(key="organizations.total").get().value == 10224
