"""Webhook deliveries: each feed event a subscription's owner would see is POSTed to its URL, signed as the
Standard Webhooks scheme says, at least once.

`deliver_due(now)` does one round: it gives every active subscription's new feed events a delivery
(the body rendered then, for the owner, as the feed renders it), then sends every delivery that is due.
A non-2xx answer or a timeout schedules the next attempt with exponential backoff; when the attempts
run out the subscription is disabled, with the reason, for the admin to see. Run by the
`deliver_webhooks` command (and by the job queue's schedule).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import ipaddress
import json
import socket
import time
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from integration import feed
from integration.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

FAN_OUT_BATCH = 500
# Events given deliveries per subscription and round: a webhook switched on again after weeks catches
# up over several rounds rather than in one long transaction.
FAN_OUT_MAX_PER_ROUND = 5000


# Signing (https://www.standardwebhooks.com/): HMAC-SHA256 of "{id}.{timestamp}.{body}" in base64.


def signature(secret: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest()).decode()


def signed_headers(subscription: WebhookSubscription, message_id: str, body: bytes, now: datetime.datetime) -> dict:
    timestamp = int(now.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(subscription.secret_bytes(), message_id, timestamp, body),
    }


# Targets: no requests to internal addresses unless the allow-list names them.


def allowed_networks() -> list:
    networks = [ipaddress.ip_network(text, strict=False) for text in settings.INTEGRATION_WEBHOOK_ALLOWED_NETWORKS]
    if settings.DEBUG:  # `make run`: an integrator tries a receiver on their own machine
        networks += [ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")]
    return networks


def check_target(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a private, loopback, link-local,
    reserved or multicast address outside the allow-list (a subscription must not reach into the
    bureau's network). Checked when the subscription is saved and again before every attempt."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError(_("Enter an http or https URL."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)}
    except (OSError, ValueError, UnicodeError):
        raise ValidationError(_("The host of this URL cannot be resolved.")) from None
    networks = allowed_networks()
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if any(address in network for network in networks):
            continue
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                _("%(address)s is an internal address; webhooks go only to addresses the allow-list admits.")
                % {"address": address}
            )


def backoff(attempt: int) -> datetime.timedelta:
    """The wait after failed attempt `attempt` (1, 2, ...): base × factor^(attempt − 1)."""
    return datetime.timedelta(
        seconds=settings.INTEGRATION_WEBHOOK_BACKOFF_SECONDS
        * settings.INTEGRATION_WEBHOOK_BACKOFF_FACTOR ** (attempt - 1)
    )


# Fan-out: new events of the feed become deliveries.


def fan_out(subscription: WebhookSubscription, now: datetime.datetime) -> int:
    """Give the subscription's new events (as its owner reads the feed) a first delivery each."""
    made = 0
    with transaction.atomic():
        subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        cursor = (subscription.cursor_xid, subscription.cursor_id)
        district = feed.reader_district(subscription.owner)
        resources = subscription.resources or None
        while made < FAN_OUT_MAX_PER_ROUND:
            events = feed.events_after(cursor, district=district, resources=resources, limit=FAN_OUT_BATCH)
            if not events:
                break
            rows = feed.render(events, subscription.owner)
            WebhookDelivery.objects.bulk_create(
                WebhookDelivery(
                    subscription=subscription,
                    event_id=event.pk,
                    message_id=f"msg_{event.xid}_{event.pk}",
                    payload=json.loads(json.dumps(row, cls=DjangoJSONEncoder)),
                    due_at=now,
                )
                for event, row in zip(events, rows, strict=True)
            )
            made += len(events)
            cursor = (events[-1].xid, events[-1].pk)
        subscription.cursor_xid, subscription.cursor_id = cursor
        subscription.save(update_fields=["cursor_xid", "cursor_id"])
    return made


def start_at_feed_end(subscription: WebhookSubscription) -> None:
    """A new subscription receives the changes from now on (the past is read from the feed)."""
    last = feed.committed_events().order_by("-xid", "-id").values_list("xid", "id").first()
    subscription.cursor_xid, subscription.cursor_id = last or (0, 0)


# Sending.


def send(delivery: WebhookDelivery, now: datetime.datetime) -> WebhookDelivery:
    """One attempt: POST the body, note the answer, and on failure schedule the next attempt or, when
    the attempts run out, disable the subscription."""
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    started = time.monotonic()
    try:
        check_target(subscription.url)
        answer = requests.post(
            subscription.url,
            data=body,
            headers=signed_headers(subscription, delivery.message_id, body, now),
            timeout=settings.INTEGRATION_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        delivery.status_code = answer.status_code
        succeeded = 200 <= answer.status_code < 300
        delivery.error = "" if succeeded else _("Answered %(code)s.") % {"code": answer.status_code}
    except ValidationError as error:
        succeeded, delivery.error = False, " ".join(error.messages)[:300]
    except requests.RequestException as error:
        succeeded, delivery.error = False, f"{type(error).__name__}: {error}"[:300]
    delivery.duration_ms = int((time.monotonic() - started) * 1000)
    delivery.attempted_at = now
    delivery.status = DeliveryStatus.SUCCEEDED if succeeded else DeliveryStatus.FAILED
    if not succeeded and delivery.attempt < settings.INTEGRATION_WEBHOOK_MAX_ATTEMPTS:
        delivery.next_attempt_at = now + backoff(delivery.attempt)
    delivery.save()
    if succeeded:
        return delivery
    if delivery.next_attempt_at is not None:
        WebhookDelivery.objects.create(
            subscription=subscription,
            event_id=delivery.event_id,
            message_id=delivery.message_id,
            payload=delivery.payload,
            attempt=delivery.attempt + 1,
            due_at=delivery.next_attempt_at,
        )
    else:
        disable(
            subscription,
            now,
            _("%(attempts)d attempts to deliver %(message)s failed; last: %(error)s")
            % {
                "attempts": delivery.attempt,
                "message": delivery.message_id,
                "error": delivery.error,
            },
        )
    return delivery


def disable(subscription: WebhookSubscription, now: datetime.datetime, reason: str) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        active=False, disabled_at=now, disabled_reason=reason[:300]
    )


def resend(delivery: WebhookDelivery, now: datetime.datetime | None = None) -> WebhookDelivery:
    """A new attempt of a delivery, due now (the admin's re-send): the same message id and body."""
    now = now or timezone.now()
    latest = WebhookDelivery.objects.filter(message_id=delivery.message_id, subscription=delivery.subscription_id)
    attempt = (latest.order_by("-attempt").values_list("attempt", flat=True).first() or 0) + 1
    return WebhookDelivery.objects.create(
        subscription_id=delivery.subscription_id,
        event_id=delivery.event_id,
        message_id=delivery.message_id,
        payload=delivery.payload,
        attempt=attempt,
        due_at=now,
    )


def deliver_due(now: datetime.datetime | None = None) -> dict:
    """One round: fan out new events, then send every due attempt of an active subscription. Returns
    counts for the command's report."""
    now = now or timezone.now()
    made = sum(fan_out(subscription, now) for subscription in WebhookSubscription.objects.filter(active=True))
    sent = succeeded = 0
    due = (
        WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, due_at__lte=now, subscription__active=True)
        .select_related("subscription")
        .order_by("due_at", "id")
    )
    failing: set[int] = set()
    for delivery in due:
        if delivery.subscription_id in failing:
            continue  # one failure a round per webhook: a dead receiver does not hold the round for long
        with transaction.atomic():
            locked = (
                WebhookDelivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery.pk, status=DeliveryStatus.PENDING)
                .select_related("subscription")
                .first()
            )
            if locked is None or not locked.subscription.active:
                continue
            send(locked, now)
            sent += 1
            succeeded += locked.status == DeliveryStatus.SUCCEEDED
            if locked.status != DeliveryStatus.SUCCEEDED:
                failing.add(locked.subscription_id)
    return {"queued": made, "sent": sent, "succeeded": succeeded}
