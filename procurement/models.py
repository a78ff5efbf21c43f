"""Government-purchased services (政府购买服务), the service demands departments publish (点单) and
the organizations that take them (接单), and the government functions transferred to social
organizations (政府转移职能)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.filters import normalise_text
from core.models import HistoryModel
from core.validators import not_in_future
from procurement.choices import (
    CAPPED_FUNDING_SOURCES,
    FIRST_BATCH,
    YEAR_MAX,
    YEAR_MIN,
    DemandStatus,
    FunctionCategory,
    FundingSource,
    ProjectStatus,
)
from procurement.rules import organization_active_on, yuan
from registry.choices import CITY_CODE, DivisionLevel
from registry.models import Division, Organization

MIN_AMOUNT = Decimal("0.01")


class Department(HistoryModel):
    """A government department that buys services, publishes demands or transfers functions.

    A city department (宁波市…局) sits at the city (330200); a district's department at that
    district, which makes its projects and demands records of that district (DESIGN §5).
    """

    name = models.CharField(_("name"), max_length=100)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        default=CITY_CODE,
        related_name="departments",
        verbose_name=_("level (city or district)"),
        limit_choices_to={"level__in": [DivisionLevel.CITY, DivisionLevel.DISTRICT]},
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="procurement_department_name_unique",
                violation_error_code="unique",  # reported on the field, not under __all__
                violation_error_message=_("A department of this name is already recorded."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def jurisdiction_district(self) -> str | None:
        if self.division_id and self.division_id != CITY_CODE:
            return self.division_id
        return None

    def clean(self):
        self.name = normalise_text(self.name)
        if self.division_id:
            division = self.division
            if division.level not in {DivisionLevel.CITY, DivisionLevel.DISTRICT}:
                raise ValidationError({"division": [_("A department belongs to the city or to a district.")]})
            if division.is_historical:
                raise ValidationError(
                    {"division": [_("Use the current code %(current)s.") % {"current": division.current.code}]}
                )


class ProjectCap(HistoryModel):
    """The most one purchased-service project may cost "in principle" (原则上), from a date on.

    The cap of a project's year is the newest cap that took effect on or before 31 December of
    that year (docs/decisions/0050-project-cap-by-year.md).
    """

    effective_from = models.DateField(_("effective from"))
    amount = models.DecimalField(
        _("cap per project (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(MIN_AMOUNT)]
    )
    policy = models.CharField(_("policy"), max_length=200)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("per-project cap")
        verbose_name_plural = _("per-project caps")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["effective_from"],
                name="procurement_cap_effective_from_unique",
                violation_error_code="unique",  # reported on the field, not under __all__
                violation_error_message=_("A cap taking effect on this date is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="procurement_cap_amount_positive",
                violation_error_message=_("The cap must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{yuan(self.amount)} ({self.effective_from.isoformat()})"

    @classmethod
    def for_year(cls, year: int) -> ProjectCap | None:
        return cls.objects.filter(effective_from__lte=datetime.date(year, 12, 31)).order_by("-effective_from").first()


class PurchasedServiceProject(HistoryModel):
    """A service the government buys from a social organization (政府购买服务项目).

    Status moves by services only (`procurement.services`): open for bids → awarded (the provider,
    its grade on the award date and the below-3A flag are recorded then) → delivered; open or
    awarded → cancelled. A project belongs to its purchasing department's level: the city's, or a
    district's when the purchaser is a district department.

    The per-project cap binds the projects paid from the city's special fund only (the fund's own
    rules set it); a district department's project on its district's budget has no such cap
    (docs/decisions/0150-caps-bind-the-city-special-fund.md).
    """

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    purchaser = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="purchased_projects", verbose_name=_("purchasing department")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), db_index=True, validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(MIN_AMOUNT)]
    )
    funding_source = models.CharField(
        _("funding source"),
        max_length=20,
        choices=FundingSource.choices,
        blank=True,
        db_index=True,
        help_text=_(
            "Left empty: the district budget for a district department's project, the city special fund "
            "for a city department's."
        ),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatus.choices,
        default=ProjectStatus.OPEN,
        editable=False,
        db_index=True,
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    provider = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="purchased_service_projects",
        verbose_name=_("provider"),
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True, editable=False)
    grade_at_award = models.PositiveSmallIntegerField(
        _("provider's grade on the award date"), null=True, blank=True, editable=False
    )
    below_priority_flag = models.BooleanField(
        _("provider below 3A at award"), default=False, editable=False, db_index=True
    )
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True, editable=False)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True, editable=False)
    cap_exception_approved_by = models.CharField(_("cap exception approved by"), max_length=100, blank=True)
    cap_exception_reason = models.TextField(_("reason for the cap exception"), blank=True)
    cap_exception_approved_on = models.DateField(_("cap exception approved on"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    EXCEPTION_FIELDS = ("cap_exception_approved_by", "cap_exception_reason", "cap_exception_approved_on")

    class Meta:
        verbose_name = _("purchased service project")
        verbose_name_plural = _("purchased service projects")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["year", "purchaser"], name="procurement_year_purchaser_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="procurement_project_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(funding_source__in=FundingSource.values),
                name="procurement_project_funding_source_known",
                violation_error_message=_("Record the funding source of the project."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="procurement_project_year_range",
                violation_error_message=_("The year must lie between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ProjectStatus.AWARDED, ProjectStatus.DELIVERED])
                | Q(provider__isnull=False, awarded_on__isnull=False),
                name="procurement_project_awarded_has_provider",
                violation_error_message=_("An awarded or delivered project needs its provider and award date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.DELIVERED) | Q(delivered_on__isnull=False),
                name="procurement_project_delivered_has_date",
                violation_error_message=_("A delivered project needs its delivery date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.CANCELLED) | Q(cancelled_on__isnull=False),
                name="procurement_project_cancelled_has_date",
                violation_error_message=_("A cancelled project needs its cancellation date."),
            ),
            models.CheckConstraint(
                condition=Q(announced_on__isnull=True)
                | Q(awarded_on__isnull=True)
                | Q(awarded_on__gte=F("announced_on")),
                name="procurement_project_awarded_after_announced",
                violation_error_message=_("The award date may not precede the announcement."),
            ),
            models.CheckConstraint(
                condition=Q(awarded_on__isnull=True)
                | Q(delivered_on__isnull=True)
                | Q(delivered_on__gte=F("awarded_on")),
                name="procurement_project_delivered_after_awarded",
                violation_error_message=_("The delivery date may not precede the award."),
            ),
            models.CheckConstraint(
                condition=Q(cap_exception_approved_on__isnull=True)
                | (~Q(cap_exception_approved_by="") & ~Q(cap_exception_reason="")),
                name="procurement_project_cap_exception_complete",
                violation_error_message=_("A cap exception needs who approved it, why and when."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def jurisdiction_district(self) -> str | None:
        """The purchasing department's district; a city department's projects are the city bureau's."""
        if self.purchaser_id is None:
            return None
        return self.purchaser.jurisdiction_district()

    @property
    def has_cap_exception(self) -> bool:
        return all(getattr(self, name) not in (None, "") for name in self.EXCEPTION_FIELDS)

    @property
    def is_capped(self) -> bool:
        return self.funding_source in CAPPED_FUNDING_SOURCES

    def _funding_source_errors(self) -> list:
        """Fill an empty source from the purchaser; a city department has no district budget to spend."""
        if not self.purchaser_id:
            return []
        district = self.purchaser.jurisdiction_district()
        if not self.funding_source:
            self.funding_source = FundingSource.DISTRICT_BUDGET if district else FundingSource.CITY_SPECIAL_FUND
        if self.funding_source == FundingSource.DISTRICT_BUDGET and district is None:
            return [_("A city department's project is not paid from a district budget.")]
        return []

    def clean(self):
        self.title = normalise_text(self.title)
        self.cap_exception_approved_by = normalise_text(self.cap_exception_approved_by)
        self.cap_exception_reason = (self.cap_exception_reason or "").strip()
        errors: dict[str, list] = {}
        if source_errors := self._funding_source_errors():
            errors["funding_source"] = source_errors
        given = [name for name in self.EXCEPTION_FIELDS if getattr(self, name) not in (None, "")]
        if given and len(given) < len(self.EXCEPTION_FIELDS):
            for name in self.EXCEPTION_FIELDS:
                if name not in given:
                    errors[name] = [_("A cap exception needs who approved it, why and when.")]
        if (
            self.is_capped
            and isinstance(self.year, int)
            and YEAR_MIN <= self.year <= YEAR_MAX
            and isinstance(self.amount, Decimal)
        ):
            cap = ProjectCap.for_year(self.year)
            if cap is None:
                errors["year"] = [
                    _("No per-project cap is recorded for %(year)d; record the cap in force that year first.")
                    % {"year": self.year}
                ]
            elif self.amount > cap.amount and not self.has_cap_exception:
                errors.setdefault("amount", []).append(
                    _(
                        "The amount of %(amount)s yuan exceeds the cap of %(cap)s yuan per project in force for "
                        "%(year)d (%(policy)s). To exceed it, record an approved exception: who approved it, "
                        "why and when."
                    )
                    % {"amount": yuan(self.amount), "cap": yuan(cap.amount), "year": self.year, "policy": cap.policy}
                )
        try:
            not_in_future(cap_exception_approved_on=self.cap_exception_approved_on)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


class ServiceDemand(HistoryModel):
    """A service a department publishes for social organizations to take (点单)."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="service_demands", verbose_name=_("department")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    published_on = models.DateField(_("published on"))
    status = models.CharField(
        _("status"), max_length=10, choices=DemandStatus.choices, default=DemandStatus.OPEN, editable=False
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True, editable=False)
    close_reason = models.TextField(_("reason for closing"), blank=True, editable=False)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("service demand")
        verbose_name_plural = _("service demands")
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DemandStatus.CLOSED) | Q(closed_on__isnull=False),
                name="procurement_demand_closed_has_date",
                violation_error_message=_("A closed demand needs its closing date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def jurisdiction_district(self) -> str | None:
        if self.department_id is None:
            return None
        return self.department.jurisdiction_district()

    def clean(self):
        self.title = normalise_text(self.title)


class DemandResponse(HistoryModel):
    """An organization taking a published demand (接单); the accepted one may lead to a project."""

    demand = models.ForeignKey(
        ServiceDemand, on_delete=models.PROTECT, related_name="responses", verbose_name=_("service demand")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="demand_responses", verbose_name=_("organization")
    )
    responded_on = models.DateField(_("responded on"))
    note = models.TextField(_("note"), blank=True)
    accepted = models.BooleanField(_("accepted"), default=False, editable=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True, editable=False)
    project = models.OneToOneField(
        PurchasedServiceProject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="demand_response",
        verbose_name=_("resulting project"),
    )

    # The project is another department's record, and a response holds it (one response per project).
    guarded_links = ("project",)

    class Meta:
        verbose_name = _("demand response")
        verbose_name_plural = _("demand responses")
        ordering = ["demand_id", "responded_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "organization"],
                name="procurement_response_once_per_organization",
                violation_error_message=_("This organization has already responded to this demand."),
            ),
            models.CheckConstraint(
                condition=Q(accepted=False) | Q(accepted_on__isnull=False),
                name="procurement_response_accepted_has_date",
                violation_error_message=_("An accepted response needs the date of acceptance."),
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(accepted=True),
                name="procurement_response_project_needs_acceptance",
                violation_error_message=_("Only an accepted response leads to a project."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.demand}"

    def jurisdiction_district(self) -> str | None:
        """A response is part of the demand's record, kept by the department that published it."""
        if self.demand_id is None:
            return None
        return self.demand.jurisdiction_district()

    def clean(self):
        errors: dict[str, list] = {}
        if self.demand_id and self.responded_on:
            demand = self.demand
            if self.responded_on < demand.published_on:
                errors["responded_on"] = [
                    _("The response may not precede the demand's publication (%(date)s).")
                    % {"date": demand.published_on.isoformat()}
                ]
            if self._state.adding and demand.status == DemandStatus.CLOSED:
                errors["demand"] = [_("The demand is closed and takes no more responses.")]
        if self.organization_id and self.responded_on:
            if not organization_active_on(self.organization, self.responded_on):
                errors["organization"] = [
                    _("%(organization)s was not an active registered organization on %(date)s.")
                    % {"organization": self.organization, "date": self.responded_on.isoformat()}
                ]
        if self.project_id:
            project = self.project
            if not self.accepted:
                errors["project"] = [_("Only an accepted response leads to a project; accept it first.")]
            elif project.provider_id and project.provider_id != self.organization_id:
                errors["project"] = [
                    _("The project was awarded to %(provider)s, not to the organization that took the demand.")
                    % {"provider": project.provider}
                ]
        if errors:
            raise ValidationError(errors)


class TransferredFunction(HistoryModel):
    """An item of the catalogue of government functions transferred to social organizations
    (政府转移职能), published in numbered batches under the policy of August 2017 (two by the reply's
    date; a later batch is another number)."""

    batch = models.PositiveSmallIntegerField(_("batch"), validators=[MinValueValidator(FIRST_BATCH)])
    item_number = models.PositiveSmallIntegerField(_("item number"), validators=[MinValueValidator(1)])
    name = models.CharField(_("function"), max_length=300)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="transferred_functions",
        verbose_name=_("transferring department"),
    )
    category = models.CharField(_("category"), max_length=20, choices=FunctionCategory.choices)
    receiving_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="transferred_functions", verbose_name=_("receiving organizations")
    )
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("transferred government function")
        verbose_name_plural = _("transferred government functions")
        ordering = ["batch", "item_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "item_number"],
                name="procurement_function_item_unique",
                violation_error_message=_("This batch already has an item of this number."),
            ),
            models.CheckConstraint(
                condition=Q(batch__gte=FIRST_BATCH),
                name="procurement_function_batch_positive",
                violation_error_message=_("Batches are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(item_number__gte=1),
                name="procurement_function_item_positive",
                violation_error_message=_("Item numbers start at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_label} {self.item_number}. {self.name}"

    @property
    def batch_label(self) -> str:
        return _("Batch %(number)d") % {"number": self.batch}

    def clean(self):
        self.name = normalise_text(self.name)
