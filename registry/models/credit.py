from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import GROUNDS_OF_LIST, CreditEntrySource, CreditGround, CreditList
from registry.models.organizations import Organization


def in_force_on(day: datetime.date, prefix: str = "") -> Q:
    """Entries in force on `day`: listed on or before it and not removed on or before it."""
    return Q(**{f"{prefix}listed_on__lte": day}) & (
        Q(**{f"{prefix}removed_on__isnull": True}) | Q(**{f"{prefix}removed_on__gt": day})
    )


class CreditListEntry(HistoryModel):
    """An organization's time on a credit list: the abnormal-activity list (活动异常名录) or the
    serious-violation list (严重违法失信名单), from `listed_on` until the day before `removed_on`.

    Removal (移出) is a change of the entry, never a delete, so the history of listings stays.
    """

    list_kind = models.CharField(_("credit list"), max_length=10, choices=CreditList.choices, db_index=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="credit_list_entries", verbose_name=_("organization")
    )
    listed_on = models.DateField(_("date listed"), db_index=True)
    reason = models.TextField(_("reason for listing"))
    ground = models.CharField(
        _("listing ground"),
        max_length=30,
        choices=CreditGround.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "The ground of 民政部令第60号 (art. 10 or 14); empty only on listings recorded before grounds were."
        ),
    )
    counted_from = models.DateField(
        _("clock counted from"),
        null=True,
        blank=True,
        help_text=_(
            "Where the statutory clocks start: the listing date, moved by a new ground while listed (art. 13)."
        ),
    )
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=CreditEntrySource.choices, default=CreditEntrySource.MANUAL
    )
    transferred_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="transferred_from",
        verbose_name=_("transferred to"),
        help_text=_("The serious-violation entry that followed this abnormal-activity one (art. 14(1))."),
    )
    removed_on = models.DateField(_("date removed"), null=True, blank=True, editable=False)
    removal_reason = models.TextField(_("reason for removal"), blank=True, editable=False)

    class Meta:
        verbose_name = _("credit list entry")
        verbose_name_plural = _("credit list entries")
        ordering = ["-listed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "list_kind"],
                condition=Q(removed_on__isnull=True),
                name="credit_entry_one_open_per_list",
                violation_error_message=_("The organization is already on this list."),
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("listed_on")),
                name="credit_entry_removed_after_listed",
                violation_error_message=_("An organization is removed from a list on or after the day it was listed."),
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True, removal_reason="")
                | (Q(removed_on__isnull=False) & ~Q(removal_reason="")),
                name="credit_entry_removal_has_reason",
                violation_error_message=_("A removal needs both its date and its reason."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "list_kind", "listed_on"], name="credit_entry_org_list_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_list_kind_display()} · {self.listed_on}"

    def jurisdiction_district(self) -> str | None:
        """An entry belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def is_current(self, on: datetime.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.listed_on <= day and (self.removed_on is None or self.removed_on > day)

    def save(self, *args, **kwargs):
        if self.counted_from is None and self.listed_on is not None:
            self.counted_from = self.listed_on
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.ground and self.list_kind and self.ground not in GROUNDS_OF_LIST.get(self.list_kind, ()):
            errors["ground"] = [
                gettext("%(ground)s is not a ground of the %(list)s.")
                % {"ground": CreditGround(self.ground).label, "list": CreditList(self.list_kind).label}
            ]
        if self.counted_from is not None and self.listed_on is not None and self.counted_from < self.listed_on:
            errors["counted_from"] = [gettext("The clock cannot start before the listing.")]
        try:
            not_in_future(listed_on=self.listed_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not errors and self.listed_on and self.organization_id and self.listed_on < self.organization.registered_on:
            errors["listed_on"] = [gettext("The organization was not yet registered on that date.")]
        if self.reason is not None and not self.reason.strip():
            errors["reason"] = [gettext("A reason is required.")]
        if not errors and self.organization_id and self.list_kind and self.listed_on:
            overlapping = CreditListEntry._base_manager.filter(
                organization_id=self.organization_id, list_kind=self.list_kind
            ).exclude(pk=self.pk)
            end = self.removed_on
            overlapping = overlapping.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=self.listed_on))
            if end is not None:
                overlapping = overlapping.filter(listed_on__lt=end)
            if overlapping.exists():
                errors["listed_on"] = [
                    gettext("This period overlaps another listing of the organization on the same list.")
                ]
        if errors:
            raise ValidationError(errors)
