"""Every status action goes through one path (core.api.views.RegistryViewSet.run_status_action): in one
transaction, jurisdiction first (403 even with a bad body), `If-Match` honoured (412 on a stale one, and
nothing changed), reinstates for clerks only in every app; and a write that changes nothing moves
neither `last_updated` nor the ETag.

Generated from the API routers and the matrix builders (tests/*/matrix_builders.py), so an action
added later is covered without touching this file."""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest
from django.utils import timezone

from core.api.views import etag_for
from core.choices import Role
from core.models import ChangeRecord
from registry.services import party_organization_save
from tests.conftest import make_organization
from tests.core.matrix_builders import OTHER_DISTRICT, OWN_DISTRICT, load_all
from tests.core.test_matrix import Actor, client_for, registered_viewsets, state_of

pytestmark = pytest.mark.django_db

BUILDERS = load_all()
CLERK = Actor("clerk", Role.CLERK)
DISTRICT = Actor("district", Role.DISTRICT)


@dataclasses.dataclass(frozen=True)
class StatusAction:
    prefix: str
    viewset: type
    name: str
    url_path: str
    reinstates: bool

    @property
    def builder(self):
        return BUILDERS.get(self.viewset.queryset.model)

    def url(self, instance) -> str:
        return f"/api/v1/{self.prefix}/{instance.pk}/{self.url_path}/"


def detail_post_actions():
    for prefix, viewset in registered_viewsets():
        for extra in viewset.get_extra_actions():
            if extra.detail and "post" in extra.mapping:
                yield prefix, viewset, extra


ACTIONS = [
    StatusAction(prefix, viewset, extra.__name__, extra.url_path, getattr(extra, "reinstates", False))
    for prefix, viewset, extra in detail_post_actions()
]
IDS = [f"{action.prefix}-{action.name}" for action in ACTIONS]
REINSTATES = [action for action in ACTIONS if action.reinstates]


def test_the_actions_of_the_issue_are_found():
    found = {(action.prefix, action.name) for action in ACTIONS}
    assert {
        ("evaluations", "revoke"),
        ("evaluations", "downgrade"),
        ("evaluations", "reinstate"),
        ("honours", "withdraw"),
        ("honours", "reinstate"),
        ("purchased-services", "award"),
        ("purchased-services", "deliver"),
        ("demand-responses", "accept"),
        ("platforms", "reopen"),
    } <= found
    assert {action.prefix for action in REINSTATES} >= {
        "organizations",
        "community-organizations",
        "credit-list-entries",
        "evaluations",
        "honours",
        "platforms",
        "purchased-services",
        "service-demands",
    }


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_every_detail_action_is_a_status_action_on_the_one_path(action):
    handler = getattr(action.viewset, action.name)
    assert hasattr(handler, "reinstates"), (
        f"{action.prefix}/{{id}}/{action.url_path}/ is not made by core.api.views.status_action"
    )


def prepared(action: StatusAction):
    """A record of the client's own district and the body of a successful request (the builder may
    prepare the record: deregister it before a reinstate)."""
    builder = action.builder
    if builder is None or action.name not in builder.actions:
        pytest.skip(f"no matrix builder body for {action.prefix} {action.name}")
    instance = builder.make(OWN_DISTRICT)
    body = builder.actions[action.name](instance)
    return type(instance)._base_manager.get(pk=instance.pk), body


def post(client, url, body, **headers):
    return client.generic("POST", url, data=json.dumps(body), content_type="application/json", **headers)


def snapshot(instance):
    return state_of(instance), ChangeRecord.objects.count(), type(instance)._base_manager.count()


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_a_stale_if_match_is_412_and_changes_nothing(action):
    instance, body = prepared(action)
    client = client_for(CLERK)
    read = client.get(f"/api/v1/{action.prefix}/{instance.pk}/")["ETag"]
    # Someone else writes after this client read the record.
    type(instance)._base_manager.filter(pk=instance.pk).update(
        last_updated=instance.last_updated + datetime.timedelta(seconds=1)
    )
    before = snapshot(instance)
    response = post(client, action.url(instance), body, HTTP_IF_MATCH=read)
    assert response.status_code == 412, response.content[:300]
    assert snapshot(instance) == before


@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_a_current_if_match_or_none_at_all_is_accepted(action):
    """DESIGN §4: `If-Match` is optional; the current ETag passes."""
    instance, body = prepared(action)
    client = client_for(CLERK)
    expected = action.builder.action_status.get(action.name, 200)
    current = client.get(f"/api/v1/{action.prefix}/{instance.pk}/")["ETag"]
    response = post(client, action.url(instance), body, HTTP_IF_MATCH=current)
    assert response.status_code == expected, response.content[:300]
    assert response["ETag"]

    second, body = prepared(action)
    assert post(client, action.url(second), body).status_code == expected


@pytest.mark.parametrize("bad_body", [{}, {"date": "not a date", "reason": ""}], ids=["empty", "invalid"])
@pytest.mark.parametrize("action", ACTIONS, ids=IDS)
def test_a_foreign_district_is_403_even_with_a_bad_body(action, bad_body):
    builder = action.builder
    if builder is None or action.name not in builder.actions:
        pytest.skip(f"no matrix builder body for {action.prefix} {action.name}")
    foreign = builder.make(OTHER_DISTRICT)
    builder.actions[action.name](foreign)  # ready for the action (a reinstate: the status to undo)
    foreign = type(foreign)._base_manager.get(pk=foreign.pk)
    client = client_for(DISTRICT)  # a client of OWN_DISTRICT
    before = snapshot(foreign)
    response = post(client, action.url(foreign), bad_body)
    assert response.status_code == 403, response.content[:300]
    assert snapshot(foreign) == before


@pytest.mark.parametrize("body", ["valid", {}], ids=["valid-body", "empty-body"])
@pytest.mark.parametrize("action", REINSTATES, ids=[f"{action.prefix}-{action.name}" for action in REINSTATES])
def test_a_district_client_never_reinstates_even_its_own_record(action, body):
    instance, valid = prepared(action)
    client = client_for(DISTRICT)
    before = snapshot(instance)
    response = post(client, action.url(instance), valid if body == "valid" else body)
    assert response.status_code == 403, response.content[:300]
    assert snapshot(instance) == before


@pytest.mark.parametrize("action", REINSTATES, ids=[f"{action.prefix}-{action.name}" for action in REINSTATES])
def test_every_reinstate_service_refuses_a_district_whichever_door_calls_it(action):
    from core.access import WriteForbidden
    from tests.conftest import make_user

    instance, valid = prepared(action)
    handler = getattr(action.viewset, action.name)
    district = make_user(Role.DISTRICT, district=OWN_DISTRICT, staff=False)
    before = snapshot(instance)
    with pytest.raises(WriteForbidden):
        handler.service(**{handler.target: instance, "reason": valid["reason"], "actor": district})
    assert snapshot(instance) == before


# A write that changes nothing


WRITABLE = [
    (prefix, viewset)
    for prefix, viewset in registered_viewsets()
    if hasattr(viewset, "partial_update")
    and BUILDERS.get(viewset.queryset.model) is not None
    and BUILDERS[viewset.queryset.model].patch_payload is not None
]


def stamp(instance):
    return type(instance)._base_manager.get(pk=instance.pk).last_updated


@pytest.mark.parametrize("prefix, viewset", WRITABLE, ids=[prefix for prefix, _ in WRITABLE])
def test_an_empty_patch_keeps_the_etag_and_last_updated(prefix, viewset):
    instance = BUILDERS[viewset.queryset.model].make(OWN_DISTRICT)
    client = client_for(CLERK)
    url = f"/api/v1/{prefix}/{instance.pk}/"
    etag, last_updated, records = client.get(url)["ETag"], stamp(instance), ChangeRecord.objects.count()
    response = client.patch(url, {}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] == etag
    assert stamp(instance) == last_updated and ChangeRecord.objects.count() == records


@pytest.mark.parametrize("prefix, viewset", WRITABLE, ids=[prefix for prefix, _ in WRITABLE])
def test_a_put_of_what_was_read_keeps_the_etag_and_last_updated(prefix, viewset):
    instance = BUILDERS[viewset.queryset.model].make(OWN_DISTRICT)
    client = client_for(CLERK)
    url = f"/api/v1/{prefix}/{instance.pk}/"
    read = client.get(url)
    writable = {name for name, field in viewset.serializer_class().fields.items() if not field.read_only}
    body = {name: value for name, value in read.json().items() if name in writable}
    last_updated, records = stamp(instance), ChangeRecord.objects.count()
    response = client.put(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.content[:300]
    assert response["ETag"] == read["ETag"]
    assert stamp(instance) == last_updated and ChangeRecord.objects.count() == records


def test_a_patch_that_changes_something_still_moves_the_etag(clerk_api):
    organization = make_organization(address="甲")
    url = f"/api/v1/organizations/{organization.pk}/"
    etag = clerk_api.get(url)["ETag"]
    assert clerk_api.patch(url, {"address": "甲"}, format="json")["ETag"] == etag
    assert clerk_api.patch(url, {"address": "乙"}, format="json")["ETag"] != etag


def test_a_platform_record_saved_unchanged_leaves_its_platform_as_it_was(clerk_api):
    from platforms.models import PlatformRating

    rating = BUILDERS[PlatformRating].make(OWN_DISTRICT)
    platform_url = f"/api/v1/platforms/{rating.platform_id}/"
    etag = clerk_api.get(platform_url)["ETag"]
    assert clerk_api.patch(f"/api/v1/platform-ratings/{rating.pk}/", {}, format="json").status_code == 200
    assert clerk_api.get(platform_url)["ETag"] == etag
    clerk_api.patch(f"/api/v1/platform-ratings/{rating.pk}/", {"notes": "改"}, format="json")
    assert clerk_api.get(platform_url)["ETag"] != etag


def test_a_change_of_party_coverage_alone_moves_the_etag(clerk):
    from registry.choices import PartyOrgKind
    from registry.models import PartyOrganization
    from tests.registry.builders import make_party_organization

    covered = [make_organization(registered_by_id=OWN_DISTRICT) for _ in range(2)]
    party = PartyOrganization.objects.get(pk=make_party_organization(*covered, kind=PartyOrgKind.JOINT).pk)
    etag = etag_for(party)
    party_organization_save(party_organization=party, organizations=covered, actor=clerk)
    assert etag_for(PartyOrganization.objects.get(pk=party.pk)) == etag
    party_organization_save(
        party_organization=party,
        organizations=[*covered, make_organization(registered_by_id=OWN_DISTRICT)],
        actor=clerk,
    )
    assert etag_for(PartyOrganization.objects.get(pk=party.pk)) != etag


def test_a_save_through_the_model_that_changes_nothing_keeps_last_updated(clerk):
    from core.services import instance_save
    from registry.models import Organization

    organization = make_organization()
    before = stamp(organization)
    instance_save(instance=Organization.objects.get(pk=organization.pk), actor=clerk)
    assert stamp(organization) == before
    touched = Organization.objects.get(pk=organization.pk)
    touched.save(update_fields=["last_updated"])  # a deliberate touch still stores
    assert stamp(organization) > before
    assert timezone.now() >= stamp(organization)
