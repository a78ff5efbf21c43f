from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import PenaltyKind
from registry.models.organizations import Organization


class AdministrativePenalty(HistoryModel):
    """An administrative penalty (行政处罚) imposed on an organization: when, what, how much, by whom.

    A penalty decided in the year before an evaluation refuses it (民政部令第39号 art. 7(三)).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("organization")
    )
    decided_on = models.DateField(_("date of the penalty decision"), db_index=True)
    kind = models.CharField(_("kind of penalty"), max_length=20, choices=PenaltyKind.choices)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The fine or the value confiscated, in yuan."),
    )
    authority = models.CharField(_("deciding authority"), max_length=100)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    reason = models.TextField(_("facts and grounds"), blank=True)

    class Meta:
        verbose_name = _("administrative penalty")
        verbose_name_plural = _("administrative penalties")
        ordering = ["organization_id", "-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="penalty_amount_not_negative",
                violation_error_message=_("The amount may not be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=PenaltyKind.FINE) | Q(amount__isnull=False),
                name="penalty_fine_has_amount",
                violation_error_message=_("A fine needs its amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.decided_on:%Y-%m-%d} {self.get_kind_display()}"

    def jurisdiction_district(self) -> str | None:
        """A penalty belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def clean(self):
        not_in_future(decided_on=self.decided_on)
        if self.kind == PenaltyKind.FINE and self.amount is None:
            raise ValidationError({"amount": [gettext("A fine needs its amount.")]})
