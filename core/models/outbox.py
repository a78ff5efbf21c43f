"""The outbox's table: one event per change of a record of a feed resource (what an event holds and who
registers the models: core/outbox.py)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox


class CurrentTransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (a 64-bit xid8, as a bigint); 0 elsewhere (SQLite
    serialises its writers, so there the event's id alone is commit order)."""

    output_field = models.BigIntegerField()
    template = "0"

    def __init__(self):
        super().__init__()

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class OutboxEvent(models.Model):
    """One change of a record of a feed resource, written in the same transaction as the change by the
    history machinery (`ChangeRecord.record`/`record_many`, so by every door): the change feed and the
    webhooks read it (integration app). Knows nothing of domains: the resource and status fields come
    from the models registered with `core.outbox.register`. Why (xid, id): docs/decisions/0260-gapless-feed.md.
    """

    xid = models.BigIntegerField(_("transaction"), db_default=CurrentTransactionId(), editable=False)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    resource = models.CharField(_("resource"), max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=20, choices=outbox.EventAction.choices)
    district_before = models.CharField(_("district before"), max_length=6, blank=True)
    district_after = models.CharField(_("district after"), max_length=6, blank=True)
    etag = models.CharField(_("ETag"), max_length=40, blank=True)
    # The record as its GET answered in the change's transaction, JSON text served as is to a reader who
    # sees its personal data; `masked_fields`, a JSON object of the fields every other reader sees masked
    # ("" when none). `data` null: nothing stored (a removal, or an event older than stored renderings).
    # docs/decisions/0390-feed-renderings-stored.md.
    data = models.TextField(_("record"), null=True, blank=True, editable=False)
    masked_fields = models.TextField(_("masked fields"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [
            models.Index(fields=["xid", "id"], name="outbox_cursor_idx"),
            # A district reader's pages (integration.feed.events_after): docs/decisions/0390-feed-renderings-stored.md.
            models.Index(fields=["district_after", "xid", "id"], name="outbox_district_after_idx"),
            models.Index(fields=["district_before", "xid", "id"], name="outbox_district_before_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} {self.action}"
