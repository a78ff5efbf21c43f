from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from registry.choices import CreditGround, OrgType
from registry.models import AnnualReport, CreditListEntry, Organization
from supervision.choices import CalendarSource, ProposalKind, ProposalStatus


class ReportDeadline(HistoryModel):
    """The deadline of the annual work reports for year `year` (DESIGN §7): for one organization type,
    or for every type (`org_type` empty). Without a row the deadline is 31 May of the next year."""

    year = models.PositiveSmallIntegerField(_("report year"))
    org_type = models.CharField(_("organization type"), max_length=20, choices=OrgType.choices, null=True, blank=True)
    deadline = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("report deadline")
        verbose_name_plural = _("report deadlines")
        ordering = ["-year", "org_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "org_type"],
                name="report_deadline_year_type_unique",
                violation_error_message=_("That year already has a deadline for this type."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(org_type__isnull=True),
                name="report_deadline_year_all_types_unique",
                violation_error_message=_("That year already has a deadline for every type."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_org_type_display() or _('all types')} {self.deadline}"

    def clean(self):
        if self.deadline is not None and self.year is not None and self.deadline.year <= self.year:
            raise ValidationError({"deadline": [gettext("The deadline falls after the year reported on.")]})


class CalendarYear(HistoryModel):
    """A year the working-day calendar covers, and where its days came from."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} ({self.get_source_display()})"


class CalendarDay(HistoryModel):
    """One day of a covered year: a working day (工作日) or not, with the holiday's name if any."""

    day = models.DateField(_("calendar date"), unique=True)
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday or swapped working day"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'✓' if self.working else '✗'} {self.name}".strip()


class SupervisionProposal(HistoryModel):
    """What the daily job (`manage.py supervise`) proposes a clerk decide: list, remove or transfer
    an organization, with the ground, the article and the day it is due by. `key` makes the job
    idempotent: one proposal per rule, organization and clock start, whatever the days it ran."""

    key = models.CharField(_("key"), max_length=120, unique=True, editable=False)
    kind = models.CharField(_("proposal kind"), max_length=20, choices=ProposalKind.choices, db_index=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="supervision_proposals", verbose_name=_("organization")
    )
    ground = models.CharField(_("listing ground"), max_length=30, choices=CreditGround.choices)
    basis = models.CharField(_("basis (article)"), max_length=100)
    arises_on = models.DateField(_("arises on"))
    due_on = models.DateField(_("due on"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN, db_index=True
    )
    entry = models.ForeignKey(
        CreditListEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_proposals",
        verbose_name=_("credit-list entry concerned"),
    )
    clock_from = models.DateField(_("clock counted from"), null=True, blank=True)
    report_year = models.PositiveSmallIntegerField(_("report year"), null=True, blank=True)
    report = models.ForeignKey(
        AnnualReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_proposals",
        verbose_name=_("annual report"),
    )
    calendar_uncovered = models.BooleanField(
        _("computed beyond the calendar"),
        default=False,
        help_text=_("The due date reached a year the working-day calendar does not cover (weekends only)."),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    dismiss_reason = models.TextField(_("reason for dismissal"), blank=True)
    result_entry = models.ForeignKey(
        CreditListEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resulting entry"),
    )

    class Meta:
        verbose_name = _("supervision proposal")
        verbose_name_plural = _("supervision proposals")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="proposal_status_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.organization} · {self.due_on}"

    def jurisdiction_district(self) -> str | None:
        """A proposal belongs to the district of the organization's registering authority."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def is_overdue(self, on=None) -> bool:
        return self.status == ProposalStatus.OPEN and self.due_on < (on or timezone.localdate())


class OverdueReporter(Organization):
    """The admin's worklist of organizations whose annual report of last year is overdue (a view of
    the organizations, no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("organization with an overdue report")
        verbose_name_plural = _("reports overdue this year")
