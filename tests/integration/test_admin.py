"""The admin of webhooks: a webhook disabled after repeated failures is announced on the list with its
reason; a clerk re-sends a delivery (a new attempt, due now, with the same message and body)."""

import pytest
from django.test import Client
from django.utils import timezone

from core.choices import Role
from core.models import OutboxEvent
from integration.models import WebhookDelivery, WebhookSubscription
from tests.conftest import make_organization, make_user
from tests.integration.test_webhooks import SECRET

pytestmark = pytest.mark.django_db


def browser(role):
    client = Client()
    client.force_login(make_user(role))
    return client


def failed_delivery():
    owner = make_user(Role.DISTRICT, district="330212", staff=False)
    subscription = WebhookSubscription.objects.create(
        owner=owner,
        url="https://93.184.215.14/hook",
        secret=SECRET,
        active=False,
        disabled_at=timezone.now(),
        disabled_reason="6 次推送均失败：对方返回 500。",
    )
    event = OutboxEvent.objects.filter(object_id=make_organization().pk).latest("id")
    return WebhookDelivery.objects.create(
        subscription=subscription,
        event=event,
        message_id="msg_1_2",
        payload={"id": event.object_id},
        attempt=6,
        status="failed",
        status_code=500,
        due_at=timezone.now(),
    )


def test_a_disabled_webhook_is_announced_on_the_admin_list_with_its_reason():
    failed_delivery()
    page = browser(Role.CLERK).get("/admin/integration/webhooksubscription/")
    assert page.status_code == 200
    assert "6 次推送均失败：对方返回 500。" in page.content.decode()


def test_a_clerk_resends_a_delivery_from_the_admin():
    delivery = failed_delivery()
    response = browser(Role.CLERK).post(
        "/admin/integration/webhookdelivery/", {"action": "resend", "_selected_action": [delivery.pk]}
    )
    assert response.status_code == 302
    resent = WebhookDelivery.objects.latest("id")
    assert (resent.attempt, resent.status, resent.message_id) == (7, "pending", "msg_1_2")
    assert resent.payload == delivery.payload


def test_an_auditor_reads_deliveries_but_cannot_resend():
    delivery = failed_delivery()
    auditor = browser(Role.AUDITOR)
    assert auditor.get("/admin/integration/webhookdelivery/").status_code == 200
    auditor.post("/admin/integration/webhookdelivery/", {"action": "resend", "_selected_action": [delivery.pk]})
    assert WebhookDelivery.objects.count() == 1
