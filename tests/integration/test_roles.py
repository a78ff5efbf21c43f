"""Who reads the feed and keeps webhooks (DESIGN §5, §10): every role reads `feed/`; clerks and district
systems (and township desks) keep their own webhooks and read their own deliveries; auditors and
anonymous callers do neither; a client never sees, changes or deletes another client's webhook."""

import pytest

from core.choices import Role
from core.models import OutboxEvent
from integration.models import WebhookDelivery, WebhookSubscription
from tests.conftest import api_client_for, make_organization, make_user
from tests.integration.test_webhooks import SECRET

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "clerk": Role.CLERK,
    "clerk_read_only_token": Role.CLERK,
    "auditor": Role.AUDITOR,
    "district": Role.DISTRICT,
}
FEED_STATUS = {"anonymous": 401, "clerk": 200, "clerk_read_only_token": 200, "auditor": 200, "district": 200}
# (list, create, own retrieve, own update, own delete)
WEBHOOK_STATUS = {
    "anonymous": (401, 401, 401, 401, 401),
    "clerk": (200, 201, 200, 200, 204),
    "clerk_read_only_token": (200, 403, 200, 403, 403),
    "auditor": (403, 403, 403, 403, 403),
    "district": (200, 201, 200, 200, 204),
}


def client_of(name):
    from rest_framework.test import APIClient

    role = ROLES[name]
    if role is None:
        return APIClient(), None
    user = make_user(role, district="330212" if role == Role.DISTRICT else None)
    return api_client_for(user, read_only=name.endswith("read_only_token")), user


def own_subscription(user):
    return WebhookSubscription.objects.create(owner=user, url="https://93.184.215.14/hook", secret=SECRET)


@pytest.mark.parametrize("name", list(ROLES))
def test_feed_is_read_by_every_role(name):
    client, _user = client_of(name)
    assert client.get("/api/v1/feed/").status_code == FEED_STATUS[name]
    assert client.post("/api/v1/feed/", {}, format="json").status_code in {401, 403, 405}


@pytest.mark.parametrize("name", list(ROLES))
def test_webhooks_per_role(name, settings):
    settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS = ["93.184.215.0/24"]
    client, user = client_of(name)
    owner = user or make_user(Role.CLERK)
    subscription = own_subscription(owner)
    url = f"/api/v1/webhooks/{subscription.pk}/"
    body = {"url": "https://93.184.215.14/other", "secret": SECRET}
    statuses = (
        client.get("/api/v1/webhooks/").status_code,
        client.post("/api/v1/webhooks/", body, format="json").status_code,
        client.get(url).status_code,
        client.patch(url, {"active": False}, format="json").status_code,
        client.delete(url).status_code,
    )
    assert statuses == WEBHOOK_STATUS[name]
    if statuses[3] != 200:
        assert WebhookSubscription.objects.get(pk=subscription.pk).active


@pytest.mark.parametrize("name", ["clerk", "district"])
def test_another_clients_webhook_and_deliveries_are_not_found_and_unchanged(name):
    client, _user = client_of(name)
    other = own_subscription(make_user(Role.DISTRICT, district="330212"))
    event = OutboxEvent.objects.filter(object_id=make_organization().pk).latest("id")
    delivery = WebhookDelivery.objects.create(
        subscription=other, event=event, message_id="msg_1", payload={}, due_at=event.occurred_at
    )
    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert client.get(f"/api/v1/webhooks/{other.pk}/").status_code == 404
    assert client.patch(f"/api/v1/webhooks/{other.pk}/", {"active": False}, format="json").status_code == 404
    assert client.delete(f"/api/v1/webhooks/{other.pk}/").status_code == 404
    assert WebhookSubscription.objects.get(pk=other.pk).active
    assert client.get("/api/v1/webhook-deliveries/").json()["results"] == []
    assert client.get(f"/api/v1/webhook-deliveries/{delivery.pk}/").status_code == 404


@pytest.mark.parametrize("name", list(ROLES))
def test_deliveries_are_read_only_for_every_role(name):
    client, user = client_of(name)
    readers = {"clerk": 200, "clerk_read_only_token": 200, "district": 200, "auditor": 403, "anonymous": 401}
    assert client.get("/api/v1/webhook-deliveries/").status_code == readers[name]
    assert client.post("/api/v1/webhook-deliveries/", {}, format="json").status_code in {401, 403, 405}


def test_feed_list_queries_are_bounded(django_assert_max_num_queries):
    clerk = api_client_for(make_user(Role.CLERK))
    for _ in range(30):
        make_organization()
    with django_assert_max_num_queries(12):
        response = clerk.get("/api/v1/feed/", {"limit": 1000})
    assert response.status_code == 200
