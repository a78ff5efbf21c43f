from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from registry.choices import RegistrationEventKind
from registry.models.organizations import Organization

# The registered facts (登记事项) whose change is a change of registration (变更登记), by field name.
# "Funds" (注册资金) are not kept by the registry yet: they join this list when they are.
REGISTERED_FACTS = (
    "name",
    "domicile",
    "legal_representative",
    "business_scope",
    "supervising_unit",
    "registered_funds",
)


class RegistrationEvent(models.Model):
    """One event of an organization's registration: established, changed (with the registered facts
    before and after), deregistered, revoked, reinstated, charter approved.

    Written only by registry.events from the change history, in the transaction of the change that
    caused it, whichever door it came through; never changed afterwards (not a HistoryModel: it is
    itself a record of history). They go with their organization only when a superuser deletes one
    recorded in error (organizations are otherwise never deleted).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="registration_events", verbose_name=_("organization")
    )
    kind = models.CharField(
        _("registration event kind"), max_length=20, choices=RegistrationEventKind.choices, db_index=True
    )
    date = models.DateField(_("date"), db_index=True)
    approval_number = models.CharField(_("approval number"), max_length=100, blank=True)
    before = models.JSONField(_("before"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    after = models.JSONField(_("after"), encoder=DjangoJSONEncoder, default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # When the event was written (it never changes afterwards): what `last_updated_from` filters.
    last_updated = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("registration event")
        verbose_name_plural = _("registration events")
        ordering = ["organization_id", "date", "id"]
        indexes = [models.Index(fields=["organization", "date"], name="regevent_org_date_idx")]

    def __str__(self) -> str:
        return f"{self.organization} {self.date} {self.get_kind_display()}"

    # The same in SQL (core/exports/copy.py).
    jurisdiction_path = "organization__registered_by"

    def jurisdiction_district(self) -> str | None:
        return self.organization.jurisdiction_district() if self.organization_id else None

    @property
    def changed_fields(self) -> list[str]:
        return [name for name in REGISTERED_FACTS if name in self.after or name in self.before]
