"""`as_of=YYYY-MM-DD` on the lists and exports of organizations, filings, evaluations and credit-list
entries: each record as it stood at the end of that day (Beijing time), rebuilt from the change
history, every other filter applied to that past state (core/asof.py)."""

import datetime
import zoneinfo

import pytest
import time_machine

from core.asof import as_of
from core.choices import Role
from ratings.models import Evaluation
from registry.choices import CreditList, FilingStatus, OrgStatus
from registry.models import CommunityOrganization, CreditListEntry, Organization
from registry.services import organization_deregister
from tests.conftest import api_client_for, make_organization, make_user
from tests.exports.builders import read_csv
from tests.ratings.builders import make_evaluation
from tests.registry.builders import make_credit_entry, make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
URL = "/api/v1/organizations/"
D1 = datetime.date(2024, 3, 1)
D2 = datetime.date(2024, 9, 1)


def at(day: datetime.date, hour: int = 12, minute: int = 0):
    """The clock moved to that time of the day in Beijing (records written meanwhile carry it)."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING), tick=False
    )


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def renamed():
    """An organization registered before D1 and renamed on D2; another registered after D1."""
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="宁波老名字协会", registered_by_id="330212")
    with at(D2, 9):
        organization.name = "宁波新名字协会"
        organization.save()
    with at(D1 + datetime.timedelta(days=10)):
        later = make_organization(name="宁波后来协会", registered_by_id="330212")
    return organization, later


def test_a_renamed_organization_shows_the_name_of_the_day(clerk_api, renamed):
    assert names(clerk_api.get(URL, {"as_of": D1.isoformat()})) == ["宁波老名字协会"]
    assert sorted(names(clerk_api.get(URL, {"as_of": D2.isoformat()}))) == ["宁波后来协会", "宁波新名字协会"]
    # The day before the rename, and the rename's own day (it happened in the morning).
    assert "宁波老名字协会" in names(clerk_api.get(URL, {"as_of": (D2 - datetime.timedelta(days=1)).isoformat()}))
    assert sorted(names(clerk_api.get(URL))) == ["宁波后来协会", "宁波新名字协会"]


def test_the_day_ends_at_midnight_beijing_time(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="旧名")
    with at(D2, 0, 30):  # half past midnight in Beijing: still D2 - 1 in UTC
        organization.name = "新名"
        organization.save()
    assert names(clerk_api.get(URL, {"as_of": (D2 - datetime.timedelta(days=1)).isoformat()})) == ["旧名"]
    assert names(clerk_api.get(URL, {"as_of": D2.isoformat()})) == ["新名"]


def test_the_csv_export_shows_the_register_of_the_day(clerk_api, renamed):
    rows = read_csv(clerk_api.get(URL, {"as_of": D1.isoformat(), "format": "csv"}))
    text = "\n".join(",".join(row) for row in rows[1:])
    assert len(rows) == 2
    assert "宁波老名字协会" in text and "宁波新名字协会" not in text and "宁波后来协会" not in text
    rows = read_csv(clerk_api.get(URL, {"as_of": D2.isoformat(), "format": "csv"}))
    assert len(rows) == 3


def test_filters_search_and_ordering_read_the_past_state(clerk_api, renamed):
    organization, _later = renamed
    with at(D2, 10):
        organization_deregister(organization=organization, on=D2, reason="自行解散", actor=None)
    past = {"as_of": D1.isoformat()}
    assert names(clerk_api.get(URL, {**past, "q": "老名字"})) == ["宁波老名字协会"]
    assert names(clerk_api.get(URL, {**past, "q": "新名字"})) == []
    assert names(clerk_api.get(URL, {**past, "status": OrgStatus.ACTIVE})) == ["宁波老名字协会"]
    assert names(clerk_api.get(URL, {**past, "status": OrgStatus.DEREGISTERED})) == []
    assert names(clerk_api.get(URL, {"status": OrgStatus.DEREGISTERED})) == ["宁波新名字协会"]
    on_d2 = {"as_of": D2.isoformat(), "ordering": "-name"}
    assert names(clerk_api.get(URL, on_d2)) == sorted(["宁波后来协会", "宁波新名字协会"], reverse=True)


def test_a_moved_organization_is_filtered_by_the_district_of_the_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="搬家协会", registered_by_id="330212")
    with at(D2):
        Organization.objects.filter(pk=organization.pk).update(registered_by_id="330203")
    assert names(clerk_api.get(URL, {"as_of": D1.isoformat(), "district": "330212"})) == ["搬家协会"]
    assert names(clerk_api.get(URL, {"as_of": D1.isoformat(), "district": "330203"})) == []
    assert names(clerk_api.get(URL, {"district": "330203"})) == ["搬家协会"]


def test_a_record_deleted_later_is_in_the_list_of_the_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="已删除协会")
    with at(D2):
        organization.delete()
    assert names(clerk_api.get(URL, {"as_of": D1.isoformat()})) == ["已删除协会"]
    assert names(clerk_api.get(URL, {"as_of": D2.isoformat()})) == []


@pytest.mark.parametrize(
    "value", ["2024-02-30", "yesterday", "2024/03/01", "20240301", "2026-06-02", "9999-12-31", "0000-01-01"]
)
def test_a_bad_or_future_day_is_a_400_naming_as_of(clerk_api, value):
    response = clerk_api.get(URL, {"as_of": value})
    assert response.status_code == 400, value
    assert list(response.json()) == ["as_of"]


def test_today_is_the_register_as_it_is(clerk_api, renamed):
    assert sorted(names(clerk_api.get(URL, {"as_of": "2026-06-01"}))) == ["宁波后来协会", "宁波新名字协会"]


def test_filings_as_of_a_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        filing = make_filing(name="老年协会", active=True)
    with at(D2):
        CommunityOrganization.objects.filter(pk=filing.pk).update(
            active=False, status=FilingStatus.CANCELLED, status_date=D2, status_reason="注销"
        )
    with at(D1 + datetime.timedelta(days=3)):
        make_filing(name="后来的队")
    url = "/api/v1/community-organizations/"
    assert names(clerk_api.get(url, {"as_of": D1.isoformat(), "active": "true"})) == ["老年协会"]
    assert names(clerk_api.get(url, {"as_of": D1.isoformat(), "status": FilingStatus.CANCELLED})) == []
    assert names(clerk_api.get(url, {"active": "true"})) == ["后来的队"]


def test_evaluations_as_of_a_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization()
        evaluation = make_evaluation(organization, grade=4, concluded_on=D1 - datetime.timedelta(days=40))
    with at(D2):
        Evaluation.objects.filter(pk=evaluation.pk).update(grade=3)
    with at(D1 + datetime.timedelta(days=3)):
        make_evaluation(make_organization(), grade=5, concluded_on=D1)
    url = "/api/v1/evaluations/"
    past = clerk_api.get(url, {"as_of": D1.isoformat()}).json()["results"]
    assert [row["grade"] for row in past] == [4]
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "grade": 3}).json()["count"] == 0
    assert clerk_api.get(url, {"grade": 3}).json()["count"] == 1


def test_credit_list_entries_as_of_a_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        entry = make_credit_entry(
            make_organization(), kind=CreditList.ABNORMAL, listed_on=D1 - datetime.timedelta(days=30)
        )
    with at(D2):
        CreditListEntry.objects.filter(pk=entry.pk).update(list_kind=CreditList.SERIOUS)
    url = "/api/v1/credit-list-entries/"
    assert clerk_api.get(url, {"as_of": D1.isoformat(), "list_kind": CreditList.ABNORMAL}).json()["count"] == 1
    assert clerk_api.get(url, {"list_kind": CreditList.ABNORMAL}).json()["count"] == 0


@pytest.mark.parametrize("role", [Role.CLERK, Role.AUDITOR, Role.DISTRICT])
@pytest.mark.parametrize("path", ["organizations", "community-organizations", "evaluations", "credit-list-entries"])
def test_every_role_reads_every_list_as_of_a_day(role, path):
    client = api_client_for(make_user(role, district="330212" if role == Role.DISTRICT else None))
    response = client.get(f"/api/v1/{path}/", {"as_of": D1.isoformat()})
    assert response.status_code == 200
    assert client.get(f"/api/v1/{path}/", {"as_of": "2099-01-01"}).status_code == 400


def test_anonymous_reads_no_list_as_of_a_day(anonymous_api):
    assert anonymous_api.get(URL, {"as_of": D1.isoformat()}).status_code == 401


def test_the_past_table_costs_a_constant_number_of_queries(clerk_api, renamed, django_assert_max_num_queries):
    with at(D2):
        for organization in Organization.objects.all():
            organization.name += "改"
            organization.save()
    clerk_api.get(URL, {"as_of": D1.isoformat()})  # warm caches (content types, planned list)
    with django_assert_max_num_queries(8):
        assert names(clerk_api.get(URL, {"as_of": D1.isoformat()})) == ["宁波老名字协会"]


def test_as_of_rebuilds_a_queryset_in_python_too():
    with at(D1 - datetime.timedelta(days=30)):
        organization = make_organization(name="旧")
    with at(D2):
        organization.name = "新"
        organization.save()
    past = as_of(Organization.objects.all(), D1)
    assert list(past.values_list("name", flat=True)) == ["旧"]
    assert past.filter(name="旧").count() == 1
    assert Organization.objects.filter(pk__in=past.values("pk")).count() == 1


def test_a_rating_shows_its_status_on_the_day(clerk_api):
    with at(D1 - datetime.timedelta(days=30)):
        # Valid for five years: through 2024-03-31, after D1 and before today.
        make_evaluation(make_organization(), grade=4, concluded_on=datetime.date(2019, 4, 1))
    url = "/api/v1/evaluations/"
    assert clerk_api.get(url).json()["results"][0]["status"] == "expired"
    assert clerk_api.get(url, {"as_of": D1.isoformat()}).json()["results"][0]["status"] != "expired"
