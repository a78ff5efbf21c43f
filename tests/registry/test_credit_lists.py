"""Credit lists: the abnormal-activity list (活动异常名录) and the serious-violation list (严重违法失信名单)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry import selectors, services
from registry.choices import CreditList
from tests.conftest import make_organization
from tests.registry.builders import make_credit_entry

pytestmark = pytest.mark.django_db
URL = "/api/v1/credit-list-entries/"
ORGANIZATIONS = "/api/v1/organizations/"
TODAY = datetime.date.today()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def entry_payload(organization, **fields):
    data = {
        "organization": organization.pk,
        "list_kind": "serious",
        "listed_on": "2023-02-01",
        "reason": "受到限期停止活动行政处罚",
    }
    data.update(fields)
    return data


def test_clerk_lists_an_organization_and_its_record_shows_it(clerk_api):
    organization = make_organization()
    created = clerk_api.post(URL, entry_payload(organization), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["current"] is True and created.json()["removed_on"] is None
    record = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert [(row["list_kind"], row["listed_on"]) for row in record["credit_lists"]] == [("serious", "2023-02-01")]


def test_a_removed_entry_no_longer_shows(clerk_api):
    entry = make_credit_entry(listed_on=datetime.date(2022, 1, 10))
    removed = clerk_api.post(
        f"{URL}{entry.pk}/remove/", {"date": "2023-01-10", "reason": "已纠正，移出名录"}, format="json"
    )
    assert removed.status_code == 200, removed.json()
    assert removed.json()["removed_on"] == "2023-01-10" and removed.json()["current"] is False
    assert clerk_api.get(f"{ORGANIZATIONS}{entry.organization_id}/").json()["credit_lists"] == []


def test_removal_day_is_the_first_day_off_the_list():
    entry = make_credit_entry(kind=CreditList.SERIOUS, listed_on=datetime.date(2022, 1, 10))
    services.credit_entry_remove(entry=entry, on=datetime.date(2023, 1, 10), reason="期满移出", actor=None)
    organization = entry.organization
    assert not selectors.on_serious_violation_list(organization, datetime.date(2022, 1, 9))
    assert selectors.on_serious_violation_list(organization, datetime.date(2022, 1, 10))
    assert selectors.on_serious_violation_list(organization, datetime.date(2023, 1, 9))
    assert not selectors.on_serious_violation_list(organization, datetime.date(2023, 1, 10))
    assert not selectors.on_abnormal_activity_list(organization, datetime.date(2022, 6, 1))


@pytest.mark.parametrize(
    "value, expected",
    [
        ("abnormal", {"abnormal", "both"}),
        ("serious", {"serious", "both"}),
        ("any", {"abnormal", "serious", "both"}),
        ("true", {"abnormal", "serious", "both"}),
        ("none", {"clean", "removed"}),
        ("false", {"clean", "removed"}),
    ],
)
def test_on_list_filter(clerk_api, value, expected):
    organizations = {name: make_organization() for name in ("abnormal", "serious", "both", "clean", "removed")}
    make_credit_entry(organizations["abnormal"], kind=CreditList.ABNORMAL)
    make_credit_entry(organizations["serious"], kind=CreditList.SERIOUS)
    make_credit_entry(organizations["both"], kind=CreditList.ABNORMAL)
    make_credit_entry(organizations["both"], kind=CreditList.SERIOUS)
    removed = make_credit_entry(organizations["removed"], kind=CreditList.SERIOUS)
    services.credit_entry_remove(entry=removed, on=TODAY, reason="移出", actor=None)
    wanted = {organizations[name].pk for name in expected}
    assert ids(clerk_api.get(ORGANIZATIONS, {"on_list": value})) == wanted


def test_on_list_refuses_other_values(clerk_api):
    response = clerk_api.get(ORGANIZATIONS, {"on_list": "blacklist"})
    assert response.status_code == 400 and "on_list" in response.json()


def test_an_organization_is_on_a_list_once_at_a_time(clerk_api):
    entry = make_credit_entry(kind=CreditList.ABNORMAL, listed_on=datetime.date(2022, 1, 1))
    again = clerk_api.post(URL, entry_payload(entry.organization, list_kind="abnormal"), format="json")
    assert again.status_code == 400
    other_list = clerk_api.post(URL, entry_payload(entry.organization, list_kind="serious"), format="json")
    assert other_list.status_code == 201


def test_a_new_listing_may_not_overlap_a_closed_one(clerk_api):
    entry = make_credit_entry(kind=CreditList.ABNORMAL, listed_on=datetime.date(2021, 1, 1))
    services.credit_entry_remove(entry=entry, on=datetime.date(2022, 1, 1), reason="移出", actor=None)
    inside = clerk_api.post(
        URL, entry_payload(entry.organization, list_kind="abnormal", listed_on="2021-06-01"), format="json"
    )
    assert inside.status_code == 400 and "listed_on" in inside.json()
    after = clerk_api.post(
        URL, entry_payload(entry.organization, list_kind="abnormal", listed_on="2022-01-01"), format="json"
    )
    assert after.status_code == 201, after.json()


def test_removal_date_and_reason_come_only_through_the_remove_action(clerk_api):
    entry = make_credit_entry()
    patched = clerk_api.patch(f"{URL}{entry.pk}/", {"removed_on": "2023-01-01", "removal_reason": "x"}, format="json")
    assert patched.status_code == 200 and patched.json()["removed_on"] is None
    url = f"{URL}{entry.pk}/remove/"
    assert "date" in clerk_api.post(url, {"date": "2022-05-31", "reason": "x"}, format="json").json()
    assert "reason" in clerk_api.post(url, {"date": "2023-01-01", "reason": ""}, format="json").json()
    assert clerk_api.post(url, {"date": "2023-01-01", "reason": "移出"}, format="json").status_code == 200
    assert clerk_api.post(url, {"date": "2023-02-01", "reason": "再移出"}, format="json").status_code == 400


def test_listing_date_rules(clerk_api):
    organization = make_organization(registered_on=datetime.date(2020, 1, 1))
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert "listed_on" in clerk_api.post(URL, entry_payload(organization, listed_on=tomorrow), format="json").json()
    assert "listed_on" in clerk_api.post(URL, entry_payload(organization, listed_on="2019-12-31"), format="json").json()
    assert "reason" in clerk_api.post(URL, entry_payload(organization, reason=""), format="json").json()
    assert "list_kind" in clerk_api.post(URL, entry_payload(organization, list_kind="black"), format="json").json()


def test_reinstate_undoes_a_removal_for_clerks_only(clerk_api, yinzhou_api):
    entry = make_credit_entry(listed_on=datetime.date(2022, 1, 1))
    services.credit_entry_remove(entry=entry, on=datetime.date(2022, 6, 1), reason="误移出", actor=None)
    url = f"{URL}{entry.pk}/reinstate/"
    assert yinzhou_api.post(url, {"reason": "复核"}, format="json").status_code == 403
    reinstated = clerk_api.post(url, {"reason": "误移出，恢复列入"}, format="json")
    assert reinstated.status_code == 200 and reinstated.json()["current"] is True
    assert clerk_api.post(url, {"reason": "again"}, format="json").status_code == 400


def test_district_lists_its_own_organizations_only(yinzhou_api):
    own, other = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    assert yinzhou_api.post(URL, entry_payload(own), format="json").status_code == 201
    assert yinzhou_api.post(URL, entry_payload(other), format="json").status_code == 403
    foreign = make_credit_entry(other)
    response = yinzhou_api.post(f"{URL}{foreign.pk}/remove/", {"date": "2023-01-01", "reason": "x"}, format="json")
    assert response.status_code == 403
    foreign.refresh_from_db()
    assert foreign.removed_on is None


def test_filters(clerk_api):
    abnormal = make_credit_entry(kind=CreditList.ABNORMAL, listed_on=datetime.date(2021, 5, 1))
    serious = make_credit_entry(kind=CreditList.SERIOUS, listed_on=datetime.date(2022, 5, 1))
    gone = make_credit_entry(make_organization(registered_by_id="330203"), listed_on=datetime.date(2020, 5, 1))
    services.credit_entry_remove(entry=gone, on=datetime.date(2021, 5, 1), reason="移出", actor=None)
    assert ids(clerk_api.get(URL, {"list_kind": "serious"})) == {serious.pk}
    assert ids(clerk_api.get(URL, {"current": "true"})) == {abnormal.pk, serious.pk}
    assert ids(clerk_api.get(URL, {"current": "false"})) == {gone.pk}
    assert ids(clerk_api.get(URL, {"district": "330203"})) == {gone.pk}
    assert ids(clerk_api.get(URL, {"organization": abnormal.organization_id})) == {abnormal.pk}
    assert ids(clerk_api.get(URL, {"listed_from": "2021-05-01", "listed_until": "2021-05-01"})) == {abnormal.pk}
    assert clerk_api.get(URL, {"current": "perhaps"}).status_code == 400


def test_delete_is_405(clerk_api):
    entry = make_credit_entry()
    assert clerk_api.delete(f"{URL}{entry.pk}/").status_code == 405


def test_list_query_count_is_constant(clerk_api):
    make_credit_entry()
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as one:
        clerk_api.get(URL)
    for _ in range(20):
        make_credit_entry()
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(URL).json()["results"]) == 21
    assert len(one) == len(many) == 3  # token (with its user's roles), count, page
