"""Idempotency keys: a POST's key and its first response, answered again to a repeat."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    """A POST sent with `Idempotency-Key` (core.idempotency): the client's key, a digest of the request, and
    the first response, answered again to a repeat within REGISTRY_IDEMPOTENCY_HOURS hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("client"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request digest"), max_length=64)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.BinaryField(_("response body"), default=bytes, blank=True)
    headers = models.JSONField(_("response headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_once_per_client",
                violation_error_message=_("This client used this key already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
