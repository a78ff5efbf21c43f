"""The network of hub and support platforms (社会组织服务平台) and what is recorded about each one:
standardisation assessments, ratings, yearly funding by source, and the organizations it incubates."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import normalise_text
from core.models import HistoryModel
from platforms.choices import (
    FIRST_YEAR,
    LAST_YEAR,
    STANDARDISATION_STANDARD,
    AssessmentResult,
    FundingSource,
    PlatformGrade,
    PlatformKind,
    PlatformLevel,
    Standard,
)
from registry.choices import DivisionLevel
from registry.models import CommunityOrganization, Division, Organization

YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def year_range_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
        name=name,
        violation_error_message=_("The year must lie between 2000 and 2100."),
    )


class Platform(HistoryModel):
    """A hub, support or innovation-park platform at city, district or township level.

    Its level is the level of its division: a township platform sits on a township (镇乡街道), a
    district one on a district, a city one on the city. A platform belongs to the district of its
    division; city-level platforms belong to the city bureau (clerks only).

    A township-level platform may also serve other townships of its own district
    (`served_townships`: a cluster or joint platform, 片区/联合平台); it covers them as it covers its
    own (docs/decisions/0035-served-townships.md). Set them through
    `platforms.services.platform_save` or `platform_set_served_townships`, which validate them and
    write their change to the history (the history of a save records concrete fields only).
    """

    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=PlatformKind.choices, db_index=True)
    level = models.CharField(_("level"), max_length=10, choices=PlatformLevel.choices, db_index=True)
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        related_name="platforms",
        verbose_name=_("division"),
        limit_choices_to={"level__in": PlatformLevel.values, "successor__isnull": True},
    )
    operator = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="operated_platforms",
        verbose_name=_("operating organization"),
        null=True,
        blank=True,
    )
    party_service_centre = models.BooleanField(_("party-mass service centre"), default=False, db_index=True)
    opened_on = models.DateField(_("opening date"), db_index=True)
    closed_on = models.DateField(_("closing date"), null=True, blank=True, db_index=True)
    address = models.CharField(_("site address"), max_length=300, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The floor area must be more than zero."))],
    )
    staff_count = models.PositiveIntegerField(_("staff"), null=True, blank=True)
    served_townships = models.ManyToManyField(
        Division,
        related_name="serving_platforms",
        verbose_name=_("other townships served"),
        help_text=_(
            "A township-level platform that also serves neighbouring townships of its district "
            "(a cluster or joint platform): those townships, not its own."
        ),
        blank=True,
        limit_choices_to={"level": DivisionLevel.TOWNSHIP, "successor__isnull": True},
    )
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="platform_closes_after_opening",
                violation_error_message=_("A platform cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0),
                name="platform_floor_area_positive",
                violation_error_message=_("The floor area must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["division", "name"],
                name="platform_name_unique_in_division",
                violation_error_message=_("A platform of this name already exists in this division."),
            ),
        ]
        indexes = [models.Index(fields=["level", "kind"], name="platform_level_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def jurisdiction_district(self) -> str | None:
        """The district of the division; city-level platforms belong to no district (clerks only)."""
        if not self.division_id:
            return None
        return self.division.district_code()

    def is_open_on(self, day) -> bool:
        """Open from the opening date until the day before the closing date (closed on `closed_on`)."""
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def clean_fields(self, exclude=None):
        self.name = normalise_text(self.name)
        super().clean_fields(exclude=exclude)

    def clean(self):
        errors = {}
        if self.division_id:
            division = self.division
            if division.is_historical:
                errors["division"] = [
                    _("%(code)s is a historical code; use the current code %(current)s.")
                    % {"code": division.code, "current": division.current.code}
                ]
            elif division.level not in PlatformLevel.values:
                errors["division"] = [_("A platform sits on the city, a district or a township.")]
            elif self.level in PlatformLevel.values and division.level != self.level:
                errors["division"] = [
                    _(
                        "%(division)s is a division of level “%(division_level)s”, but the platform is of level "
                        "“%(level)s”: a platform sits on a division of its own level."
                    )
                    % {
                        "division": division,
                        "division_level": DivisionLevel(division.level).label,
                        "level": PlatformLevel(self.level).label,
                    }
                ]
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            errors["closed_on"] = [_("A platform cannot close before it opens.")]
        if "division" not in errors:
            served = self.served_township_errors(self.served_townships_to_validate())
            if served:
                errors["served_townships"] = served
        if errors:
            raise ValidationError(errors)

    def stage_served_townships(self, townships) -> None:
        """Name the served townships about to be set, so that `full_clean()` validates them (with the
        division and level about to be saved) instead of the stored ones."""
        self._served_townships_pending = None if townships is None else list(townships)

    def served_townships_to_validate(self) -> list[Division]:
        """The staged served townships, or else the stored ones (a new platform has none)."""
        pending = getattr(self, "_served_townships_pending", None)
        if pending is not None:
            return pending
        if self.pk is None:
            return []
        return list(self.served_townships.all())

    def served_township_errors(self, townships) -> list[str]:
        """Why these townships cannot be served by this platform: only a township-level platform serves
        other townships, and only current townships of its own district, other than its own."""
        if not townships:
            return []
        if self.level != PlatformLevel.TOWNSHIP:
            return [
                _(
                    "Only a township-level platform serves other townships; this platform is of level "
                    "“%(level)s”. Leave the list empty."
                )
                % {"level": PlatformLevel(self.level).label if self.level in PlatformLevel.values else self.level}
            ]
        district = self.division.district_code() if self.division_id else None
        errors = []
        for township in townships:
            if township.level != DivisionLevel.TOWNSHIP or township.is_historical:
                errors.append(_("%(division)s is not a current township.") % {"division": township})
            elif township.pk == self.division_id:
                errors.append(
                    _("%(township)s is the platform's own township; list only the other townships it serves.")
                    % {"township": township}
                )
            elif district is not None and township.parent_id != district:
                errors.append(
                    _(
                        "%(township)s lies in district %(other)s, not in the platform's district %(district)s: "
                        "a platform serves townships of its own district only."
                    )
                    % {"township": township, "other": township.parent_id, "district": district}
                )
        return errors

    def save(self, *args, **kwargs):
        self.name = normalise_text(self.name)
        super().save(*args, **kwargs)


class PlatformRecord(HistoryModel):
    """Base of what is recorded about one platform: it belongs to the platform's district, and a
    change to it marks the platform as updated, so `last_updated_from` syncs the platform's
    read-only fields (`standardized`, `latest_rating`) too (docs/decisions/0032-…)."""

    class Meta:
        abstract = True

    def jurisdiction_district(self) -> str | None:
        if not self.platform_id:
            return None
        return self.platform.jurisdiction_district()

    def save(self, *args, **kwargs):
        previous = getattr(self, "_history_loaded", {}).get("platform_id")
        super().save(*args, **kwargs)
        if getattr(self, "_save_wrote", True):  # a save that changed nothing leaves the platform as it was
            touch_platforms({self.platform_id, previous})


def touch_platforms(ids) -> None:
    """Mark platforms as updated without a change record (their own fields did not change)."""
    ids = {pk for pk in ids if pk is not None}
    if ids:
        Platform.objects.filter(pk__in=ids).update(last_updated=timezone.now())


class StandardisationAssessment(PlatformRecord):
    """An assessment of a platform against a standard (标准化建设评估); the latest one decides
    whether the platform counts as standardised."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("platform")
    )
    standard = models.CharField(
        _("standard"), max_length=40, choices=Standard.choices, default=STANDARDISATION_STANDARD
    )
    year = models.PositiveSmallIntegerField(_("assessment year"), validators=YEAR_VALIDATORS)
    result = models.CharField(_("assessment result"), max_length=10, choices=AssessmentResult.choices, db_index=True)
    assessed_on = models.DateField(_("assessment date"), db_index=True)
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("standardisation assessment")
        verbose_name_plural = _("standardisation assessments")
        ordering = ["platform_id", "-assessed_on", "-id"]
        constraints = [
            year_range_constraint("assessment_year_range"),
            models.UniqueConstraint(
                fields=["platform", "standard", "assessed_on"],
                name="assessment_unique_per_day",
                violation_error_message=_(
                    "This platform already has an assessment against this standard on this date."
                ),
            ),
        ]
        indexes = [models.Index(fields=["platform", "standard", "-assessed_on"], name="assessment_latest_idx")]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.get_result_display()}"

    def clean(self):
        errors = {}
        if self.year and self.assessed_on and self.assessed_on.year < self.year:
            errors["assessed_on"] = [
                _("An assessment of %(year)d cannot be concluded before that year.") % {"year": self.year}
            ]
        if self.platform_id and self.standard == Standard.PARTY_MASS_CENTRE and not self.platform.party_service_centre:
            errors["platform"] = [
                _("Only a party-mass service centre is assessed against this standard; mark the platform as one first.")
            ]
        if errors:
            raise ValidationError(errors)


class PlatformRating(PlatformRecord):
    """A grade of the platform rating mechanism (平台评级机制), one per platform and year."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("platform"))
    year = models.PositiveSmallIntegerField(_("rating year"), validators=YEAR_VALIDATORS)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=PlatformGrade.choices, db_index=True)
    assessor = models.CharField(_("assessor"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("platform rating")
        verbose_name_plural = _("platform ratings")
        ordering = ["platform_id", "-year"]
        constraints = [
            year_range_constraint("platform_rating_year_range"),
            models.CheckConstraint(
                condition=Q(grade__gte=PlatformGrade.ONE, grade__lte=PlatformGrade.FIVE),
                name="platform_rating_grade_range",
                violation_error_message=_("The grade is from one to five stars."),
            ),
            models.UniqueConstraint(
                fields=["platform", "year"],
                name="platform_rating_unique_per_year",
                violation_error_message=_("This platform already has a rating for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.get_grade_display()}"


class PlatformFunding(PlatformRecord):
    """The money a platform received in a year from one source, in yuan (exact decimals, never floats)."""

    platform = models.ForeignKey(Platform, on_delete=models.CASCADE, related_name="funding", verbose_name=_("platform"))
    year = models.PositiveSmallIntegerField(_("funding year"), validators=YEAR_VALIDATORS)
    source = models.CharField(_("funding source"), max_length=25, choices=FundingSource.choices, db_index=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=_("The amount must be more than zero."))],
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("platform funding")
        verbose_name_plural = _("platform funding")
        ordering = ["platform_id", "-year", "source"]
        constraints = [
            year_range_constraint("platform_funding_year_range"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="platform_funding_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["platform", "year", "source"],
                name="platform_funding_unique_per_year_source",
                violation_error_message=_(
                    "This platform already has funding from this source for this year; correct that record instead."
                ),
            ),
        ]
        indexes = [models.Index(fields=["year", "source"], name="funding_year_source_idx")]

    def __str__(self) -> str:
        return f"{self.platform} {self.year} {self.get_source_display()} {self.amount}"


def filing_outside_platform_district(platform: Platform, filing: CommunityOrganization) -> str | None:
    """Why a platform cannot take a filing (support or incubation): a district's or township's platform
    works for filings of its own district only; a city-level platform for any (it is the city bureau's)."""
    district = platform.division.district_code() if platform.division_id else None
    if district is None or filing.district_id == district:
        return None
    return _(
        "%(filing)s is filed in district %(other)s; the platform %(platform)s works in district %(district)s "
        "and takes filings of its own district only."
    ) % {"filing": filing, "other": filing.district_id, "platform": platform, "district": district}


class Incubation(PlatformRecord):
    """An organization or a community organization filing incubated by a platform (以社育社: "各级枢纽平台
    以社育社"), from one date until another (open: still). It names exactly one of the two (a database
    check); a filing incubated by a district's or township's platform lies in that district."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="incubations", verbose_name=_("platform")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="incubations",
        verbose_name=_("organization"),
        null=True,
        blank=True,
    )
    filing = models.ForeignKey(
        CommunityOrganization,
        on_delete=models.PROTECT,
        related_name="incubations",
        verbose_name=_("community organization filing"),
        null=True,
        blank=True,
    )
    incubated_from = models.DateField(_("incubated from"))
    incubated_until = models.DateField(_("incubated until"), null=True, blank=True)
    # The end an incubation is agreed to run to lies up to ten years ahead (core.validators).
    planned_date_fields = {"incubated_until": 10}
    notes = models.TextField(_("notes"), blank=True)

    # Any platform may incubate any organization; the organization's history shows it (0100-…).
    recorded_links = ("organization",)

    class Meta:
        verbose_name = _("incubation")
        verbose_name_plural = _("incubations")
        ordering = ["platform_id", "-incubated_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(incubated_until__isnull=True) | Q(incubated_until__gte=models.F("incubated_from")),
                name="incubation_ends_after_start",
                violation_error_message=_("An incubation cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["platform", "organization", "incubated_from"],
                name="incubation_unique_start",
                violation_error_message=_("This incubation is already recorded."),
            ),
            models.UniqueConstraint(
                fields=["platform", "filing", "incubated_from"],
                name="incubation_of_filing_unique_start",
                violation_error_message=_("This incubation is already recorded."),
            ),
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(filing__isnull=True))
                | (Q(organization__isnull=True) & Q(filing__isnull=False)),
                name="incubation_names_organization_or_filing",
                violation_error_message=_("An incubation names either an organization or a filing, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform} → {self.organization or self.filing}"

    def clean(self):
        errors = {}
        if self.incubated_from and self.incubated_until and self.incubated_until < self.incubated_from:
            errors["incubated_until"] = [_("An incubation cannot end before it starts.")]
        if (self.organization_id is None) == (self.filing_id is None):
            errors["filing" if self.organization_id is None else "organization"] = [
                _("An incubation names either an organization or a filing, not both.")
            ]
        elif self.filing_id and self.platform_id:
            problem = filing_outside_platform_district(self.platform, self.filing)
            if problem:
                errors["filing"] = [problem]
        if errors:
            raise ValidationError(errors)


class FilingSupport(HistoryModel):
    """The platform that supports a community organization filing (服务、指导), set by a clerk or the
    filing's district when it is not the default: the township-level platform open in (or serving) the
    filing's township (`platforms.selectors.supporting_platforms`). One per filing.

    A district's or township's platform supports filings of its own district only; a city-level one
    (the innovation park) any filing, and then the link is the city bureau's to write."""

    filing = models.OneToOneField(
        CommunityOrganization,
        on_delete=models.PROTECT,
        related_name="platform_support",
        verbose_name=_("community organization filing"),
    )
    platform = models.ForeignKey(
        Platform, on_delete=models.PROTECT, related_name="supported_filings", verbose_name=_("supporting platform")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("supporting platform of a filing")
        verbose_name_plural = _("supporting platforms of filings")
        ordering = ["filing_id"]

    def __str__(self) -> str:
        return f"{self.filing} ← {self.platform}"

    def jurisdiction_district(self) -> str | None:
        """The filing's district, when the platform is of that district too; else the city bureau's."""
        if not (self.filing_id and self.platform_id):
            return None
        districts = {self.filing.jurisdiction_district(), self.platform.jurisdiction_district()}
        return districts.pop() if len(districts) == 1 else None

    def clean(self):
        if self.filing_id and self.platform_id:
            problem = filing_outside_platform_district(self.platform, self.filing)
            if problem:
                raise ValidationError({"platform": [problem]})


class TownshipCoverage(Division):
    """The townships seen from the platform network: which have a township-level platform open on a
    date (the admin's coverage page; no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("township coverage")
        verbose_name_plural = _("township coverage")
