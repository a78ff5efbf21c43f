"""The feed's stored renderings (docs/decisions/0390-feed-renderings-stored.md): each event carries the
record as its GET answered in the change's transaction, for a reader who sees its personal data and for
every other reader, and each reader is served exactly what its own GET answered then."""

import json

import pytest

from core.api.serializers import RegistrySerializer
from core.choices import Role
from core.models import OutboxEvent
from integration import feed
from registry.models import Organization
from tests.conftest import api_client_for, make_organization, make_uscc, make_user
from tests.platforms.builders import make_platform
from tests.ratings.builders import make_evaluation
from tests.registry.builders import (
    HAISHU_TOWNSHIP,
    YINZHOU_TOWNSHIP,
    make_annual_report,
    make_credit_entry,
    make_filing,
)

pytestmark = pytest.mark.django_db

FEED = "/api/v1/feed/"

# One record of each feed resource, in 鄞州区 (330212).
BUILDERS = {
    "organizations": lambda: make_organization(registered_by="330212", phone="13812345678"),
    "community-organizations": lambda: make_filing(township=YINZHOU_TOWNSHIP, contact_phone="13912345678"),
    "evaluations": lambda: make_evaluation(make_organization(registered_by="330212")),
    "annual reports": lambda: make_annual_report(make_organization(registered_by="330212")),
    "credit-list-entries": lambda: make_credit_entry(make_organization(registered_by="330212")),
    "platforms": lambda: make_platform(YINZHOU_TOWNSHIP),
}
# Every kind of reader of the feed, inside and outside the record's district.
READERS = {
    "clerk": dict(role=Role.CLERK),
    "auditor": dict(role=Role.AUDITOR),
    "district holding it": dict(role=Role.DISTRICT, district="330212"),
    "another district": dict(role=Role.DISTRICT, district="330203"),
    "township desk of its district": dict(role=Role.TOWNSHIP, township=YINZHOU_TOWNSHIP),
    "township desk of another district": dict(role=Role.TOWNSHIP, township=HAISHU_TOWNSHIP),
}


def reader(kind):
    fields = dict(READERS[kind])
    return make_user(fields.pop("role"), staff=False, **fields)


def last_event(record) -> OutboxEvent:
    model = type(record)
    events = OutboxEvent.objects.filter(object_id=record.pk, resource__in=[r.name for r in resources_of(model)])
    return events.latest("id")


def resources_of(model):
    return [resource for resource in feed.feed_resources().values() if resource.model is model]


def get(user, event) -> dict:
    response = api_client_for(user).get(f"/api/v1/{event.resource}/{event.object_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def served(user, event) -> dict:
    (row,) = feed.render([event], user)
    return row["data"]


@pytest.mark.parametrize("resource", list(BUILDERS))
def test_each_reader_is_served_its_own_get_of_the_record_after_the_change(resource):
    record = BUILDERS[resource]()
    event = last_event(record)
    assert event.data is not None
    for kind in READERS:
        user = reader(kind)
        assert served(user, event) == get(user, event), kind


@pytest.mark.parametrize("resource", ["organizations", "community-organizations"])
def test_personal_data_is_stored_whole_with_the_fields_others_see_masked(resource):
    record = BUILDERS[resource]()
    event = last_event(record)
    phone = "phone" if resource == "organizations" else "contact_phone"
    assert json.loads(event.data)[phone].isdigit()
    assert json.loads(event.masked_fields) == {phone: json.loads(event.data)[phone][:3] + "****5678"}


def test_a_record_without_personal_data_stores_one_rendering():
    event = last_event(make_credit_entry(make_organization(registered_by="330212")))
    assert event.data and event.masked_fields == ""


def test_data_is_the_record_as_of_its_event_not_as_of_reading(clerk, clerk_api):
    organization = make_organization(registered_by="330212", address="甲")
    district, outsider = reader("district holding it"), reader("another district")
    answers = []
    for address in ("乙", "丙"):
        response = clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"address": address}, format="json")
        assert response.status_code == 200
        event = last_event(organization)
        assert event.etag == response["ETag"]
        answers.append((event, response.json(), get(district, event), get(outsider, event)))
    for event, clerk_answer, district_get, outsider_get in answers:
        assert served(clerk, event) == clerk_answer
        assert served(district, event) == district_get and served(outsider, event) == outsider_get
    assert [served(district, event)["address"] for event, *_ in answers] == ["乙", "丙"]


def test_the_api_serves_the_stored_renderings_as_the_feed_renders_them(clerk, clerk_api, monkeypatch):
    # The test's own transaction is still running: on PostgreSQL the horizon would hold its events back.
    monkeypatch.setattr(feed, "committed_events", OutboxEvent.objects.all)
    make_organization(registered_by="330212")
    make_filing()
    events = list(OutboxEvent.objects.order_by("xid", "id"))
    response = clerk_api.get(FEED, {"limit": 1000})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["results"] == json.loads(feed.as_json(feed.render(events, clerk)))
    assert body["next_cursor"] == body["results"][-1]["cursor"]
    assert clerk_api.get(FEED, {"limit": 2}, HTTP_ACCEPT="text/html").status_code == 200  # the browsable API


def test_an_event_stored_without_renderings_is_rendered_when_read(yinzhou_api):
    organization = make_organization(registered_by="330212")
    event = last_event(organization)
    OutboxEvent.objects.filter(pk=event.pk).update(data=None, masked_fields="")
    Organization.objects.filter(pk=organization.pk).update(address="后来的地址")
    event.refresh_from_db()
    district = reader("district holding it")
    assert served(district, event) == get(district, last_event(organization))
    assert served(district, event)["address"] == "后来的地址"


def test_a_queryset_update_stores_each_records_rendering():
    organizations = [make_organization(registered_by=code) for code in ("330212", "330203")]
    Organization.objects.filter(pk__in=[o.pk for o in organizations]).update(address="同一地址")
    clerk = make_user(Role.CLERK)
    for organization in organizations:
        event = last_event(organization)
        assert event.action == "updated" and served(clerk, event) == get(clerk, event)


def test_a_removal_stores_nothing():
    organization = make_organization()
    pk = organization.pk
    organization.delete()
    event = OutboxEvent.objects.filter(resource="organizations", object_id=pk).latest("id")
    assert event.action == "removed" and event.data is None
    assert served(make_user(Role.CLERK), event) is None


def test_every_feed_resource_masks_by_its_personal_fields_alone():
    """Two kinds of reader suffice while every feed resource's readers differ only by the serializer's
    `personal_fields` (RegistrySerializer.finish_representation): a resource that masked anything else
    (identity card numbers, which auditors and township desks see masked) would need a third."""
    for resource in feed.feed_resources().values():
        serializer = resource.viewset.serializer_class
        assert serializer.finish_representation is RegistrySerializer.finish_representation, resource.name


def test_a_bulk_sync_stores_each_rows_rendering(clerk, clerk_api):
    """Rendered together when the batch ends (core.outbox.renderings_deferred; tests/exports/test_bulk.py
    holds the queries of a batch constant per row)."""
    kept = make_organization(registered_by="330212")
    rows = [{"uscc": kept.uscc, "address": "批量地址"}]
    new = [
        {
            "uscc": make_uscc(),
            "name": f"批量同步社会团体{index}",
            "org_type": "social_group",
            "registered_by": "330212",
            "registered_on": "2020-05-01",
            "legal_representative": "王五",
            "phone": "13900001111",
        }
        for index in range(3)
    ]
    response = clerk_api.post("/api/v1/organizations/bulk/", rows + new, format="json")
    assert response.status_code == 200, response.content
    for result in response.json()["results"]:
        event = OutboxEvent.objects.filter(resource="organizations", object_id=result["id"]).latest("id")
        for kind in ("clerk", "another district"):
            user = clerk if kind == "clerk" else reader(kind)
            assert served(user, event) == get(user, event), kind
    assert served(clerk, last_event(kept))["address"] == "批量地址"


def test_a_refused_bulk_sync_leaves_no_event(clerk_api):
    before = OutboxEvent.objects.count()
    rows = [{"uscc": make_uscc(), "name": "缺少字段"}]
    assert clerk_api.post("/api/v1/organizations/bulk/", rows, format="json").status_code == 400
    assert OutboxEvent.objects.count() == before
