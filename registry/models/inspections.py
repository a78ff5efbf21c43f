from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import InspectionResult
from registry.models.organizations import Organization

# The first year the registry records inspections for; older ones belong to the paper archive.
FIRST_INSPECTION_YEAR = 1990


class AnnualInspection(HistoryModel):
    """The annual inspection (年检) of an organization for one year of its work (年度), and its result.

    An organization that did not take part has a row with the result 未参检, so "absent" and
    "not yet recorded" stay apart.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("inspection year"))
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices, db_index=True)
    concluded_on = models.DateField(_("conclusion date"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("annual inspection")
        verbose_name_plural = _("annual inspections")
        ordering = ["organization_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="inspection_organization_year_unique",
                violation_error_message=_("This organization already has an inspection for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_INSPECTION_YEAR),
                name="inspection_year_in_range",
                violation_error_message=_("The inspection year is too early."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.get_result_display()}"

    def jurisdiction_district(self) -> str | None:
        """An inspection belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def clean(self):
        errors = {}
        try:
            not_in_future(year=self.year, message=gettext("The inspection year may not lie in the future."))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            not_in_future(concluded_on=self.concluded_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "year" not in errors and self.year and self.organization_id:
            if self.year < self.organization.registered_on.year:
                errors["year"] = [
                    gettext("The organization was registered in %(registered)d, after the inspection year.")
                    % {"registered": self.organization.registered_on.year}
                ]
        if "year" not in errors and self.year and self.organization_id:
            # The unique constraint, said on the year (a constraint on two fields would speak of the record).
            others = AnnualInspection.objects.filter(organization_id=self.organization_id, year=self.year)
            if others.exclude(pk=self.pk).exists():
                errors["year"] = [gettext("This organization already has an inspection for that year.")]
        if self.concluded_on is not None and "concluded_on" not in errors:
            if self.year and self.concluded_on.year < self.year:
                errors["concluded_on"] = [gettext("An inspection concludes after the year it covers begins.")]
        if errors:
            raise ValidationError(errors)
