from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.validators import not_in_future
from registry.choices import ReportResult
from registry.models.organizations import Organization

# The first year the registry records reports for; older ones belong to the paper archive.
FIRST_REPORT_YEAR = 1990


class AnnualReport(HistoryModel):
    """The annual work report (年度工作报告) of an organization for one year of its work (年度): when it
    was filed and, once reviewed, its result (合格 / 基本合格 / 不合格).

    It was the annual inspection (年检) until the reports replaced it; the rows and their history were
    kept (docs/decisions/0200-annual-reports-replace-inspections.md). A row without `submitted_on`
    records that the organization did not file (未报送), so "not filed" and "not yet recorded" stay apart.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("report year"))
    submitted_on = models.DateField(_("date filed"), null=True, blank=True, db_index=True)
    result = models.CharField(_("result"), max_length=20, choices=ReportResult.choices, blank=True, db_index=True)
    reviewed_on = models.DateField(_("date reviewed"), null=True, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)

    class Meta:
        verbose_name = _("annual work report")
        verbose_name_plural = _("annual work reports")
        ordering = ["organization_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"],
                name="inspection_organization_year_unique",
                violation_error_message=_("This organization already has a report for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_REPORT_YEAR),
                name="inspection_year_in_range",
                violation_error_message=_("The report year is too early."),
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(submitted_on__isnull=False),
                name="annual_report_result_needs_filing",
                violation_error_message=_("A report has a result only once it is filed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    def jurisdiction_district(self) -> str | None:
        """A report belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def clean(self):
        errors = {}
        try:
            not_in_future(year=self.year, message=gettext("The report year may not lie in the future."))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in ("submitted_on", "reviewed_on"):
            try:
                not_in_future(**{field: getattr(self, field)})
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if "year" not in errors and self.year and self.organization_id:
            if self.year < self.organization.registered_on.year:
                errors["year"] = [
                    gettext("The organization was registered in %(registered)d, after the report year.")
                    % {"registered": self.organization.registered_on.year}
                ]
        if "year" not in errors and self.year and self.organization_id:
            # The unique constraint, said on the year (a constraint on two fields would speak of the record).
            others = AnnualReport.objects.filter(organization_id=self.organization_id, year=self.year)
            if others.exclude(pk=self.pk).exists():
                errors["year"] = [gettext("This organization already has a report for that year.")]
        for field in ("submitted_on", "reviewed_on"):
            day: datetime.date | None = getattr(self, field)
            if day is not None and field not in errors and self.year and day.year < self.year:
                errors[field] = [gettext("A report is filed and reviewed after the year it covers begins.")]
        if self.result and self.submitted_on is None and "submitted_on" not in errors:
            errors["submitted_on"] = [gettext("A report has a result only once it is filed.")]
        if self.reviewed_on is not None and not self.result and "result" not in errors:
            errors["result"] = [gettext("A reviewed report needs its result.")]
        if (
            self.reviewed_on is not None
            and self.submitted_on is not None
            and self.reviewed_on < self.submitted_on
            and "reviewed_on" not in errors
        ):
            errors["reviewed_on"] = [gettext("A report is reviewed on or after the day it was filed.")]
        if errors:
            raise ValidationError(errors)
