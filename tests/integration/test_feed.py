"""The change feed (DESIGN §10): events of every door in commit order, per reader, with tombstones."""

import pytest

from core.choices import Role
from core.models import OutboxEvent
from core.services import instance_save
from integration import feed
from registry.models import Organization
from tests.conftest import api_client_for, make_organization, make_user
from tests.integration.conftest import follow, start_of

FEED = "/api/v1/feed/"


def events_of(events, organization):
    return [
        (e["action"], e["data"] is None)
        for e in events
        if e["resource"] == "organizations" and e["id"] == organization.pk
    ]


@pytest.mark.slow
def test_district_client_sees_created_updated_and_left_jurisdiction_of_a_record_a_clerk_moves_away(committed_feed):
    clerk = make_user(Role.CLERK)
    district = api_client_for(make_user(Role.DISTRICT, district="330212", staff=False))
    after = start_of(district)
    clerks_api = api_client_for(clerk)
    organization = make_organization(registered_by="330212")
    assert (
        clerks_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "新址"}, format="json").status_code
        == 200
    )
    moved = clerks_api.patch(f"/api/v1/organizations/{organization.pk}/", {"registered_by": "330203"}, format="json")
    assert moved.status_code == 200, moved.content

    events, _cursor = follow(district, after=after, until=lambda seen: len(events_of(seen, organization)) >= 3)

    assert events_of(events, organization) == [("created", False), ("updated", False), ("left_jurisdiction", True)]
    created, updated, _left = (e for e in events if e["resource"] == "organizations" and e["id"] == organization.pk)
    # Each event carries the record as it was after its change, not as it is when read.
    assert created["data"]["id"] == organization.pk and created["data"]["address"] == organization.address
    assert updated["data"]["address"] == "新址" and updated["data"]["registered_by"] == "330212"
    assert set(created) == {"cursor", "occurred_at", "resource", "id", "action", "etag", "data"}


@pytest.mark.django_db
def test_every_door_writes_an_event_in_the_change_transaction(clerk):
    before = OutboxEvent.objects.count()
    organization = make_organization()  # a save without actor (imports, seed data)
    Organization.objects.filter(pk=organization.pk).update(address="乙")  # queryset update
    organization.refresh_from_db()
    organization.status_reason = "x"
    instance_save(instance=organization, actor=clerk)
    actions = list(OutboxEvent.objects.order_by("id").values_list("action", flat=True)[before:])
    assert actions == ["created", "updated", "updated"]


@pytest.mark.django_db
def test_a_status_change_is_a_status_changed_event(clerk_api):
    organization = make_organization()
    response = clerk_api.post(
        f"/api/v1/organizations/{organization.pk}/deregister/", {"date": "2024-01-02", "reason": "x"}, format="json"
    )
    assert response.status_code == 200
    event = OutboxEvent.objects.filter(object_id=organization.pk, resource="organizations").latest("id")
    assert event.action == "status_changed" and event.etag == response["ETag"]


@pytest.mark.slow
@pytest.mark.parametrize("limit", [1, 2, 1000])
def test_a_district_reader_pages_through_exactly_its_districts_events_in_order(committed_feed, limit):
    # Arrivals, stays and departures of one district among another district's events, read in pages of
    # every size: the reader gets exactly the events whose district before or after is its own, in order
    # (on PostgreSQL the two are read from their own indexes and merged).
    clerk = make_user(Role.CLERK)
    district = api_client_for(make_user(Role.DISTRICT, district="330212", staff=False))
    after = start_of(district)
    mark = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    staying, leaving = make_organization(registered_by="330212"), make_organization(registered_by="330212")
    arriving, elsewhere = make_organization(registered_by="330203"), make_organization(registered_by="330203")
    for organization, moved_to in ((leaving, "330203"), (elsewhere, "330281"), (arriving, "330212")):
        organization.registered_by_id = moved_to
        instance_save(instance=organization, actor=clerk)
    staying.address = "新址"
    instance_save(instance=staying, actor=clerk)
    written = OutboxEvent.objects.filter(pk__gt=mark).order_by("xid", "id")
    expected = [
        (e.resource, e.object_id, feed.reader_action(e, "330212"))
        for e in written
        if "330212" in (e.district_before, e.district_after)
    ]
    # Two created in 330212, one leaving it, one arriving, one updated in it; none of `elsewhere`'s.
    assert [action for *_record, action in expected] == [
        "created",
        "created",
        "left_jurisdiction",
        "updated",
        "updated",
    ]

    events, _cursor = follow(district, after=after, limit=limit, until=lambda seen: len(seen) >= len(expected))

    assert [(e["resource"], e["id"], e["action"]) for e in events] == expected
    assert ("organizations", leaving.pk, "left_jurisdiction") in expected
    assert elsewhere.pk not in {record_id for _resource, record_id, _action in expected}


@pytest.mark.django_db
def test_an_event_stores_the_district_before_and_after_a_move(clerk):
    organization = make_organization(registered_by="330212")
    organization.registered_by_id = "330203"
    instance_save(instance=organization, actor=clerk)
    event = OutboxEvent.objects.filter(object_id=organization.pk, resource="organizations").latest("id")
    assert (event.district_before, event.district_after) == ("330212", "330203")


@pytest.mark.django_db
def test_records_of_other_models_write_no_events():
    before = OutboxEvent.objects.count()
    make_user(Role.DISTRICT, district="330212")  # an access profile: history, but no feed resource
    assert OutboxEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", ["x", "MTIz", "", "a" * 100, "LTEuMg", "OTk5OTk5OTk5OTk5OTk5OTk5OTkuMQ"])
def test_a_cursor_the_feed_did_not_give_is_a_400(clerk_api, cursor):
    response = clerk_api.get(FEED, {"after": cursor})
    assert response.status_code == 400 and "after" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "1001"}, {"limit": "x"}, {"page": "2"}, {"district": "1"}])
def test_bad_limit_or_unknown_parameter_is_a_400(clerk_api, query):
    response = clerk_api.get(FEED, query)
    assert response.status_code == 400 and set(response.json()) == set(query)


def test_a_cursor_round_trips():
    assert feed.decode_cursor(feed.encode_cursor(2**40, 17)) == (2**40, 17)


@pytest.mark.django_db
def test_records_that_hang_on_a_record_that_moves_get_an_event_of_their_move(clerk):
    import datetime

    from registry.choices import CreditList
    from registry.models import CreditListEntry

    organization = make_organization(registered_by="330212")
    entry = CreditListEntry(
        organization=organization, list_kind=CreditList.ABNORMAL, listed_on=datetime.date(2024, 1, 2), reason="x"
    )
    instance_save(instance=entry)
    organization.registered_by_id = "330203"
    instance_save(instance=organization, actor=clerk)
    event = OutboxEvent.objects.filter(resource="credit-list-entries", object_id=entry.pk).latest("id")
    assert (event.action, event.district_before, event.district_after) == ("updated", "330212", "330203")


@pytest.mark.django_db
def test_a_district_reader_gets_a_tombstone_only_for_its_own_district(clerk):
    organization = make_organization(registered_by="330212")
    organization.registered_by_id = "330203"
    instance_save(instance=organization, actor=clerk)
    moved = OutboxEvent.objects.filter(resource="organizations", object_id=organization.pk).latest("id")
    assert feed.reader_action(moved, "330212") == "left_jurisdiction"
    assert feed.reader_action(moved, "330203") == "updated"
    assert feed.reader_action(moved, None) == "updated"  # clerks and auditors follow the record


@pytest.mark.django_db
def test_a_removed_record_is_a_tombstone_and_data_is_the_readers_get(clerk, yinzhou_api):
    kept = make_organization(registered_by="330203", phone="13812345678")
    gone = make_organization(registered_by="330203")
    gone_pk = gone.pk
    gone.delete()
    events = list(OutboxEvent.objects.filter(object_id__in=[kept.pk, gone_pk], resource="organizations").order_by("id"))
    reader = make_user(Role.DISTRICT, district="330212", staff=False)
    rows = {(row["id"], row["action"]): row for row in feed.render(events, reader)}
    assert rows[(gone_pk, "removed")]["data"] is None and rows[(gone_pk, "removed")]["etag"] is None
    # Another district's record is masked exactly as the reader's GET masks it.
    shown = yinzhou_api.get(f"/api/v1/organizations/{kept.pk}/").json()
    assert rows[(kept.pk, "created")]["data"] == shown and shown["phone"] == "138****5678"
