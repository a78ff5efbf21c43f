"""Webhook subscriptions of API clients and the log of every delivery attempt.

Not history-keeping records of the registry (a client's own settings, and a log): plain models, each
client seeing only its own through the API.
"""

from __future__ import annotations

import base64
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import OutboxEvent


def new_secret() -> str:
    """A signing secret as the Standard Webhooks scheme writes it: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookSubscription(models.Model):
    """Where a client wants the feed's events POSTed, signed with its secret."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("API client")
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("secret"), max_length=100, default=new_secret)
    resources = models.JSONField(_("resources"), default=list, blank=True, help_text=_("Empty: every resource."))
    active = models.BooleanField(_("active"), default=True)
    # The feed position up to which events have been given deliveries (core.models.OutboxEvent: xid, id).
    cursor_xid = models.BigIntegerField(_("cursor transaction"), default=0, editable=False)
    cursor_id = models.BigIntegerField(_("cursor event"), default=0, editable=False)
    disabled_at = models.DateTimeField(_("disabled at"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.owner} → {self.url}"

    def secret_bytes(self) -> bytes:
        return base64.b64decode(self.secret.removeprefix("whsec_"))


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One attempt to deliver one event to one subscription. A failed attempt is followed by the next
    one (attempt + 1, due at `next_attempt_at`) until the attempts run out."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook")
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    message_id = models.CharField(_("message id"), max_length=60)
    payload = models.JSONField(_("body"))
    attempt = models.PositiveIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)
    attempted_at = models.DateTimeField(_("attempted at"), null=True, blank=True)
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} #{self.attempt} {self.get_status_display()}"
