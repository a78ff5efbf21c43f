"""Award: the provider must be active on the award date; its grade on that date is recorded; below 3A
is flagged, and refused in the years PROCUREMENT_REQUIRE_3A_FROM_YEAR names."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from core.models import ChangeRecord
from procurement import services
from procurement.choices import ProjectStatus
from registry import services as registry_services
from tests.conftest import make_organization
from tests.procurement.builders import award, make_department, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/purchased-services/"
AWARD_DAY = datetime.date(2022, 3, 1)


def award_by_api(client, project, provider, on=AWARD_DAY, **extra):
    return client.post(
        f"{URL}{project.pk}/award/", {"provider": provider.pk, "date": on.isoformat(), **extra}, format="json"
    )


# The per-project cap and the 3A priority on an award, end to end


def test_a_2022_project_of_250000_for_a_3a_organization_is_accepted(clerk_api, rate):
    provider = make_organization()
    rate(provider, 3, datetime.date(2019, 6, 1))
    created = clerk_api.post(
        URL,
        {"title": "困境儿童关爱服务", "purchaser": make_department().pk, "year": 2022, "amount": "250000"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    project = created.json()
    awarded = clerk_api.post(
        f"{URL}{project['id']}/award/", {"provider": provider.pk, "date": "2022-03-01"}, format="json"
    )
    assert awarded.status_code == 200, awarded.json()
    body = awarded.json()
    assert body["status"] == ProjectStatus.AWARDED and body["provider"] == provider.pk
    assert body["grade_at_award"] == 3 and body["below_priority_flag"] is False
    assert body["amount"] == "250000.00" and body["awarded_on"] == "2022-03-01"


def test_a_2022_award_of_250000_01_is_refused_naming_the_cap_unless_an_exception_is_recorded(clerk_api, rate):
    provider = make_organization()
    rate(provider, 4, datetime.date(2020, 6, 1))
    project = make_project(year=2022, amount=Decimal("250000"))
    refused = award_by_api(clerk_api, project, provider, amount="250000.01")
    assert refused.status_code == 400
    assert "250,000.00" in " ".join(refused.json()["amount"])
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN and project.amount == Decimal("250000")
    exception = {
        "cap_exception_approved_by": "市财政局 李处长",
        "cap_exception_reason": "全市统一采购，经批准",
        "cap_exception_approved_on": "2022-02-20",
    }
    assert clerk_api.patch(f"{URL}{project.pk}/", exception, format="json").status_code == 200
    accepted = award_by_api(clerk_api, project, provider, amount="250000.01")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["amount"] == "250000.01" and accepted.json()["over_cap"] is True


def test_a_provider_without_a_current_grade_is_flagged(clerk_api):
    provider = make_organization()
    body = award_by_api(clerk_api, make_project(year=2022), provider).json()
    assert body["status"] == ProjectStatus.AWARDED
    assert body["grade_at_award"] is None and body["below_priority_flag"] is True


@override_settings(PROCUREMENT_REQUIRE_3A_FROM_YEAR=2022)
def test_a_provider_without_a_current_grade_is_refused_when_the_setting_says_so(clerk_api):
    provider = make_organization()
    project = make_project(year=2022)
    response = award_by_api(clerk_api, project, provider)
    assert response.status_code == 400
    message = " ".join(response.json()["provider"])
    assert "3A" in message and "2022" in message
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN and project.provider is None


# Grades on the award date


def test_a_rating_that_lapsed_the_day_before_the_award_leaves_the_provider_flagged(rate):
    provider = make_organization()
    rate(provider, 5, datetime.date(2017, 3, 1))  # valid until 2022-02-28
    project = award(make_project(year=2022), provider, datetime.date(2022, 3, 1))
    assert project.grade_at_award is None and project.below_priority_flag is True


@override_settings(PROCUREMENT_REQUIRE_3A_FROM_YEAR=2022)
def test_a_rating_that_lapsed_the_day_before_the_award_is_refused_when_the_setting_says_so(rate):
    provider = make_organization()
    rate(provider, 5, datetime.date(2017, 3, 1))
    project = make_project(year=2022)
    with pytest.raises(ValidationError) as caught:
        award(project, provider, datetime.date(2022, 3, 1))
    assert "provider" in caught.value.message_dict
    # On its last valid day the rating still counts, and the award goes through.
    assert award(project, provider, datetime.date(2022, 2, 28)).grade_at_award == 5


@override_settings(PROCUREMENT_REQUIRE_3A_FROM_YEAR=2023)
def test_the_setting_refuses_only_the_years_it_names():
    provider = make_organization()
    project = award(make_project(year=2022), provider, AWARD_DAY)
    assert project.below_priority_flag is True and project.status == ProjectStatus.AWARDED
    with pytest.raises(ValidationError):
        award(make_project(year=2023, announced_on=datetime.date(2023, 1, 5)), provider, datetime.date(2023, 2, 1))


def test_a_2a_provider_is_flagged_and_its_grade_recorded(rate):
    provider = make_organization()
    rate(provider, 2, datetime.date(2020, 5, 1))
    project = award(make_project(), provider, AWARD_DAY)
    assert project.grade_at_award == 2 and project.below_priority_flag is True


@override_settings(PROCUREMENT_REQUIRE_3A_FROM_YEAR=2020)
def test_a_2a_provider_is_refused_when_the_setting_says_so(rate):
    provider = make_organization()
    rate(provider, 2, datetime.date(2020, 5, 1))
    with pytest.raises(ValidationError) as caught:
        award(make_project(), provider, AWARD_DAY)
    assert "2A" in " ".join(caught.value.message_dict["provider"])


def test_a_rating_revoked_before_the_award_leaves_the_provider_flagged(rate):
    provider = make_organization()
    rate(provider, 4, datetime.date(2020, 5, 1), revoked_on=datetime.date(2022, 1, 15))
    project = award(make_project(), provider, AWARD_DAY)
    assert project.grade_at_award is None and project.below_priority_flag is True


def test_the_grade_at_award_is_the_grade_of_the_award_date_not_of_today(rate):
    provider = make_organization()
    rate(provider, 3, datetime.date(2019, 1, 10))
    rate(provider, 5, datetime.date(2024, 1, 10))  # once the 3A has run out (民政部令第39号 art. 6(二))
    project = award(make_project(), provider, AWARD_DAY)
    assert project.grade_at_award == 3
    project.refresh_from_db()
    assert project.grade_at_award == 3


def test_the_grade_at_award_is_read_only_in_the_api(clerk_api):
    provider = make_organization()
    project = award(make_project(), provider, AWARD_DAY)
    response = clerk_api.patch(
        f"{URL}{project.pk}/", {"grade_at_award": 5, "below_priority_flag": False, "status": "open"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["grade_at_award"] is None and response.json()["below_priority_flag"] is True
    assert response.json()["status"] == ProjectStatus.AWARDED


# The provider must be active on the award date


def test_a_provider_deregistered_before_the_award_date_is_refused(clerk_api, clerk):
    provider = make_organization()
    registry_services.organization_deregister(
        organization=provider, on=datetime.date(2022, 2, 28), reason="自行解散", actor=clerk
    )
    project = make_project()
    response = award_by_api(clerk_api, project, provider)
    assert response.status_code == 400
    assert provider.name in " ".join(response.json()["provider"])
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_a_provider_deregistered_on_the_award_date_is_refused(clerk):
    provider = make_organization()
    registry_services.organization_revoke(organization=provider, on=AWARD_DAY, reason="违法", actor=clerk)
    with pytest.raises(ValidationError) as caught:
        award(make_project(), provider, AWARD_DAY)
    assert "provider" in caught.value.message_dict


def test_a_provider_registered_after_the_award_date_is_refused():
    provider = make_organization(registered_on=datetime.date(2022, 3, 2))
    with pytest.raises(ValidationError) as caught:
        award(make_project(), provider, AWARD_DAY)
    assert "provider" in caught.value.message_dict


def test_a_provider_deregistered_after_the_award_keeps_its_past_award(clerk):
    provider = make_organization()
    registry_services.organization_deregister(
        organization=provider, on=datetime.date(2022, 6, 30), reason="自行解散", actor=clerk
    )
    assert award(make_project(), provider, AWARD_DAY).status == ProjectStatus.AWARDED


# Status steps


def test_only_an_open_project_is_awarded_and_not_before_its_announcement_nor_in_the_future():
    provider = make_organization()
    project = make_project(announced_on=datetime.date(2022, 2, 1))
    with pytest.raises(ValidationError) as early:
        award(project, provider, datetime.date(2022, 1, 31))
    assert "date" in early.value.message_dict
    future = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as later:
        award(project, provider, future)
    assert "date" in later.value.message_dict
    award(project, provider, AWARD_DAY)
    with pytest.raises(ValidationError) as again:
        award(project, provider, AWARD_DAY)
    assert "status" in again.value.message_dict


def test_deliver_cancel_and_reinstate_through_the_api(clerk_api):
    provider = make_organization()
    project = award(make_project(), provider, AWARD_DAY)
    url = f"{URL}{project.pk}/"
    early = clerk_api.post(url + "deliver/", {"date": "2022-02-28"}, format="json")
    assert early.status_code == 400 and "date" in early.json()
    delivered = clerk_api.post(url + "deliver/", {"date": "2022-12-20", "reason": "验收合格"}, format="json")
    assert delivered.status_code == 200, delivered.json()
    assert delivered.json()["status"] == ProjectStatus.DELIVERED and delivered.json()["delivered_on"] == "2022-12-20"
    assert clerk_api.post(url + "cancel/", {"date": "2022-12-21", "reason": "x"}, format="json").status_code == 400
    undone = clerk_api.post(url + "reinstate/", {"reason": "验收日期误记"}, format="json")
    assert undone.json()["status"] == ProjectStatus.AWARDED and undone.json()["delivered_on"] is None
    assert clerk_api.post(url + "cancel/", {"date": "2022-06-01"}, format="json").status_code == 400  # no reason
    cancelled = clerk_api.post(url + "cancel/", {"date": "2022-06-01", "reason": "服务对象调整"}, format="json")
    assert cancelled.json()["status"] == ProjectStatus.CANCELLED
    assert cancelled.json()["cancellation_reason"] == "服务对象调整"
    reopened = clerk_api.post(url + "reinstate/", {"reason": "取消决定撤回"}, format="json")
    assert reopened.json()["status"] == ProjectStatus.AWARDED and reopened.json()["cancelled_on"] is None
    messages = set(ChangeRecord.objects.filter(object_id=project.pk).values_list("message", flat=True))
    assert {"验收合格", "验收日期误记", "服务对象调整", "取消决定撤回"} <= messages


def test_reinstating_an_award_reopens_the_project_and_clears_the_provider(clerk):
    provider = make_organization()
    project = award(make_project(), provider, AWARD_DAY)
    project = services.project_reinstate(project=project, reason="承接组织录入错误", actor=clerk)
    assert project.status == ProjectStatus.OPEN
    assert project.provider is None and project.grade_at_award is None and project.below_priority_flag is False
    with pytest.raises(ValidationError):
        services.project_reinstate(project=project, reason="再次", actor=clerk)


def test_an_open_project_can_be_cancelled_and_reinstated_to_open(clerk):
    project = make_project()
    project = services.project_cancel(project=project, on=datetime.date(2022, 2, 1), reason="预算调整", actor=clerk)
    assert project.status == ProjectStatus.CANCELLED and project.cancelled_on == datetime.date(2022, 2, 1)
    assert services.project_reinstate(project=project, reason="误操作", actor=clerk).status == ProjectStatus.OPEN


def test_reinstate_is_for_clerks_only(yinzhou_api, clerk):
    project = make_project(purchaser=make_department("鄞州区民政局", division="330212"))
    services.project_cancel(project=project, on=datetime.date(2022, 2, 1), reason="预算调整", actor=clerk)
    assert yinzhou_api.post(f"{URL}{project.pk}/reinstate/", {"reason": "x"}, format="json").status_code == 403


def test_the_award_is_recorded_in_the_history_with_the_grade(clerk, rate):
    provider = make_organization()
    rate(provider, 3, datetime.date(2019, 6, 1))
    project = make_project()
    services.project_award(project=project, provider=provider, on=AWARD_DAY, reason="公开招标", actor=clerk)
    record = ChangeRecord.objects.filter(object_id=project.pk, message="公开招标").get()
    assert record.actor == clerk
    assert record.changes["grade_at_award"] == [None, 3]
    assert record.changes["status"] == [ProjectStatus.OPEN, ProjectStatus.AWARDED]
