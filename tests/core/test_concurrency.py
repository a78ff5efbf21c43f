"""No lost updates: ETags, a stale If-Match refused with 412 and nothing written, and of two writers
holding the same ETag exactly one succeeds (the If-Match check is a compare-and-set on `last_updated`)."""

import threading
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from core.api import views as core_views
from core.api.views import etag_for
from core.exceptions import PreconditionFailed
from core.models import ApiToken, ChangeRecord
from core.services import instance_save
from registry.api.views import OrganizationViewSet
from registry.models import Organization
from tests.conftest import api_client_for, make_organization, make_user

URL = "/api/v1/organizations/"


def state(organization):
    return Organization.objects.get(pk=organization.pk).history_snapshot()


@pytest.mark.django_db
def test_detail_carries_an_etag_that_changes_with_the_record(clerk_api):
    organization = make_organization()
    first = clerk_api.get(f"{URL}{organization.pk}/")["ETag"]
    assert first.startswith('"') and first == clerk_api.get(f"{URL}{organization.pk}/")["ETag"]
    patched = clerk_api.patch(f"{URL}{organization.pk}/", {"address": "新址"}, format="json", HTTP_IF_MATCH=first)
    assert patched.status_code == 200
    assert patched["ETag"] != first and patched["ETag"] == clerk_api.get(f"{URL}{organization.pk}/")["ETag"]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["patch", "put"])
def test_stale_if_match_is_412_and_changes_nothing(clerk_api, method):
    organization = make_organization(address="甲")
    stale = clerk_api.get(f"{URL}{organization.pk}/")["ETag"]
    clerk_api.patch(f"{URL}{organization.pk}/", {"address": "乙"}, format="json")
    before, records = state(organization), ChangeRecord.objects.count()
    body = {"address": "丙"}
    if method == "put":
        body = {**clerk_api.get(f"{URL}{organization.pk}/").json(), "address": "丙"}
    response = getattr(clerk_api, method)(f"{URL}{organization.pk}/", body, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "ETag" in response.json()["detail"]
    assert state(organization) == before and ChangeRecord.objects.count() == records


@pytest.mark.django_db
def test_stale_if_match_on_a_status_action_is_412(clerk_api):
    organization = make_organization()
    stale = clerk_api.get(f"{URL}{organization.pk}/")["ETag"]
    clerk_api.patch(f"{URL}{organization.pk}/", {"address": "乙"}, format="json")
    response = clerk_api.post(
        f"{URL}{organization.pk}/deregister/",
        {"date": "2023-01-01", "reason": "x"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert Organization.objects.get(pk=organization.pk).status == "active"


@pytest.mark.django_db
def test_if_match_is_optional_and_accepts_weak_and_star(clerk_api):
    organization = make_organization()
    assert clerk_api.patch(f"{URL}{organization.pk}/", {"address": "甲"}, format="json").status_code == 200
    etag = clerk_api.get(f"{URL}{organization.pk}/")["ETag"]
    weak = clerk_api.patch(f"{URL}{organization.pk}/", {"address": "乙"}, format="json", HTTP_IF_MATCH=f"W/{etag}")
    assert weak.status_code == 200
    star = clerk_api.patch(f"{URL}{organization.pk}/", {"address": "丙"}, format="json", HTTP_IF_MATCH="*")
    assert star.status_code == 200


@pytest.mark.django_db
def test_compare_and_set_refuses_the_second_writer_holding_the_same_etag(clerk):
    """The sequence two concurrent writers go through, step by step (any database): both read the
    record and pass the ETag comparison; the first writes; the second's compare-and-set finds the
    row changed and is refused, though its ETag matched the copy it read."""
    first_copy = Organization.objects.get(pk=make_organization(address="甲").pk)
    second_copy = Organization.objects.get(pk=first_copy.pk)
    etag = etag_for(first_copy)
    assert etag == etag_for(second_copy)
    view = OrganizationViewSet()
    request = SimpleNamespace(headers={"If-Match": etag})
    with transaction.atomic():
        view.check_if_match(request, first_copy)
        first_copy.address = "乙"
        instance_save(instance=first_copy, actor=clerk)
    with pytest.raises(PreconditionFailed), transaction.atomic():
        view.check_if_match(request, second_copy)
    assert Organization.objects.get(pk=first_copy.pk).address == "乙"


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's test database is in memory and serialises all writers on one lock: two threads cannot "
    "hold concurrent transactions there (the compare-and-set is shown step by step by the test above).",
)
def test_two_concurrent_writers_with_the_same_etag_exactly_one_succeeds(committed_db, monkeypatch):
    """Two threads, two connections, committed transactions. Both read the record and pass the ETag
    comparison (a barrier holds each until the other has too), then race for the compare-and-set."""
    first_record = (ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first()) or 0
    user = make_user("clerk", username="concurrency-clerk")
    organization = make_organization(address="起点")
    clients = [api_client_for(user), api_client_for(user)]
    etag = clients[0].get(f"{URL}{organization.pk}/")["ETag"]
    barrier = threading.Barrier(2, timeout=20)
    original = core_views._etag_matches

    def matches_then_wait(header, current):
        result = original(header, current)
        barrier.wait()
        return result

    monkeypatch.setattr(core_views, "_etag_matches", matches_then_wait)
    statuses, errors = [], []

    def write(client, address):
        try:
            response = client.patch(f"{URL}{organization.pk}/", {"address": address}, format="json", HTTP_IF_MATCH=etag)
            statuses.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(c, a)) for c, a in zip(clients, ["甲", "乙"], strict=True)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert sorted(statuses) == [200, 412]
        stored = Organization.objects.get(pk=organization.pk)
        assert stored.address in {"甲", "乙"}
        updates = ChangeRecord.objects.filter(
            pk__gt=first_record, content_type__model="organization", object_id=organization.pk, action="update"
        )
        assert updates.count() == 1 and updates.get().changes == {"address": ["起点", stored.address]}
    finally:
        Organization.objects.filter(pk=organization.pk).delete()
        ApiToken.objects.filter(user=user).delete()
        user.delete()
        ChangeRecord.objects.filter(pk__gt=first_record).delete()


@pytest.mark.django_db
def test_a_locked_database_is_a_503_with_retry_after_not_a_500(clerk_api, monkeypatch):
    """SQLite refuses a second writer's lock instead of waiting when waiting would deadlock."""
    from django.db import OperationalError

    organization = make_organization()

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(OrganizationViewSet, "check_if_match", locked)
    response = clerk_api.patch(f"{URL}{organization.pk}/", {"address": "x"}, format="json", HTTP_IF_MATCH='"x"')
    assert response.status_code == 503 and response["Retry-After"] == "1"
