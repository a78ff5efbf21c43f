"""Evaluation ratings (社会组织评估等级, 1A–5A) and honours (荣誉) of social organizations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import normalise_text
from core.models import HistoryModel
from core.models.history import HistoryQuerySet
from core.validators import not_in_future
from ratings.choices import (
    DEFAULT_ISSUING_BODY,
    DEFAULT_MAX_SCORE,
    ORGANIZATION_HONOURS,
    PERSONAL_HONOURS,
    VALIDITY_YEARS,
    EvaluationStatus,
    Grade,
    HonourKind,
    HundredBestList,
    RevocationGround,
)
from registry.models import CommunityOrganization, Organization


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year.

    Civil Code art. 202: a period counted in years ends on the corresponding day, and when that
    month has no corresponding day, on its last day (docs/decisions/0020-rating-validity.md).
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def validity_end(concluded_on: datetime.date) -> datetime.date:
    """The last valid day of a rating: the day before the fifth anniversary of its conclusion."""
    return add_years(concluded_on, VALIDITY_YEARS) - datetime.timedelta(days=1)


class EvaluationQuerySet(HistoryQuerySet):
    def with_status(self, on: datetime.date | None = None) -> EvaluationQuerySet:
        """Annotate `status`: what each rating is on `on` (default today), as `Evaluation.status_on` says.

        Null for a rating concluded after `on`. Revoked before superseded before expired: a rating
        is superseded when a newer one of its organization was concluded while it was still valid.
        """
        day = on or timezone.localdate()
        newer = Evaluation.objects.filter(
            organization=OuterRef("organization"),
            concluded_on__gt=OuterRef("concluded_on"),
            concluded_on__lte=day,
        ).filter(concluded_on__lte=OuterRef("valid_until"))
        return self.annotate(
            status=Case(
                When(concluded_on__gt=day, then=Value(None, output_field=models.CharField())),
                When(revoked_on__lte=day, then=Value(EvaluationStatus.REVOKED)),
                When(Exists(newer), then=Value(EvaluationStatus.SUPERSEDED)),
                When(valid_until__lt=day, then=Value(EvaluationStatus.EXPIRED)),
                default=Value(EvaluationStatus.VALID),
                output_field=models.CharField(),
            )
        )

    def valid_on(self, day: datetime.date) -> EvaluationQuerySet:
        """The ratings in force on `day`: each is the current grade of its organization that day."""
        newer = Evaluation.objects.filter(
            organization=OuterRef("organization"), concluded_on__gt=OuterRef("concluded_on"), concluded_on__lte=day
        )
        return (
            self.filter(concluded_on__lte=day, valid_until__gte=day).exclude(revoked_on__lte=day).exclude(Exists(newer))
        )


class Evaluation(HistoryModel):
    """One evaluation rating of an organization (民政部令第39号).

    Valid from `concluded_on` through `valid_until` inclusive; superseded by the organization's next
    rating, ended early by a revocation. Its status on a day is derived (`status_on`), never stored.
    A downgrade revokes a rating and concludes a lower one that keeps the revoked one's
    `valid_until` (`downgraded_from`): a sanction never lengthens a rating.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("organization")
    )
    grade = models.PositiveSmallIntegerField(_("evaluation grade"), choices=Grade.choices)
    # On the round's own scale (local rounds score out of 1,000, some with bonus points on top), so
    # only a floor is checked; the round's thresholds decide the grade (docs/decisions/0160-evaluation-scores.md).
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.PositiveIntegerField(
        _("full marks"), default=DEFAULT_MAX_SCORE, help_text=_("The full marks of the evaluation round's scale.")
    )
    concluded_on = models.DateField(_("date of evaluation"))
    valid_until = models.DateField(_("valid until"), editable=False, db_index=True)
    downgraded_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="downgraded_to",
        verbose_name=_("lowered from"),
    )
    revoked_on = models.DateField(_("revocation date"), null=True, blank=True, editable=False)
    revocation_ground = models.CharField(
        _("revocation ground"), max_length=30, choices=RevocationGround.choices, blank=True, editable=False
    )
    revocation_reason = models.TextField(_("revocation reason"), blank=True, editable=False)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation rating")
        verbose_name_plural = _("evaluation ratings")
        ordering = ["-concluded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__gte=Grade.A1, grade__lte=Grade.A5),
                name="evaluation_grade_1_to_5",
                violation_error_message=_("The grade must be from 1 (1A) to 5 (5A)."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="evaluation_score_not_negative",
                violation_error_message=_("The score may not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="evaluation_max_score_positive",
                violation_error_message=_("The full marks must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("concluded_on")),
                name="evaluation_valid_after_conclusion",
                violation_error_message=_("A rating cannot lapse before it is concluded."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True, revocation_ground="", revocation_reason="")
                | (
                    Q(revoked_on__isnull=False, revoked_on__gte=F("concluded_on"), revoked_on__lte=F("valid_until"))
                    & ~Q(revocation_reason="")
                ),
                name="evaluation_revocation_complete",
                violation_error_message=_(
                    "A revocation needs a date within the rating's validity and a reason; "
                    "an unrevoked rating has neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["organization", "concluded_on"],
                name="evaluation_one_per_organization_and_day",
                violation_error_message=_("This organization already has a rating concluded on that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_grade_display()}（{self.concluded_on:%Y-%m-%d}）"

    def jurisdiction_district(self) -> str | None:
        """A rating belongs to the district of its organization."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    @property
    def status(self) -> str | None:
        """The status today: the queryset's annotation when present (`with_status`), else computed."""
        if "_status" in self.__dict__:
            return self.__dict__["_status"]
        return self.status_on(timezone.localdate())

    @status.setter
    def status(self, value: str | None) -> None:
        self.__dict__["_status"] = value

    def status_on(self, day: datetime.date) -> str | None:
        """Valid, expired, superseded or revoked on `day`; None before the rating was concluded."""
        if day < self.concluded_on:
            return None
        if self.revoked_on is not None and self.revoked_on <= day:
            return EvaluationStatus.REVOKED
        superseded = (
            Evaluation.objects.filter(
                organization_id=self.organization_id,
                concluded_on__gt=self.concluded_on,
                concluded_on__lte=min(day, self.valid_until),
            )
            .exclude(pk=self.pk)
            .exists()
        )
        if superseded:
            return EvaluationStatus.SUPERSEDED
        if day > self.valid_until:
            return EvaluationStatus.EXPIRED
        return EvaluationStatus.VALID

    def compute_valid_until(self) -> datetime.date | None:
        if self.downgraded_from_id is not None:
            return self.downgraded_from.valid_until
        if self.concluded_on is None:
            return None
        return validity_end(self.concluded_on)

    def clean(self):
        errors = {}
        try:
            not_in_future(concluded_on=self.concluded_on, message=_("The conclusion date may not lie in the future."))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            not_in_future(revoked_on=self.revoked_on, message=_("The revocation date may not lie in the future."))
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        self.valid_until = self.compute_valid_until()
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.valid_until = self.compute_valid_until()
        super().save(*args, **kwargs)


class Honour(HistoryModel):
    """An honour (荣誉) given to an organization, a community organization or a person.

    National advanced organizations (全国先进社会组织) and provincial brand organizations
    (省级品牌社会组织) are organizations; provincial leaders (省级社会组织领军人物) and role models
    (时代楷模) are persons, a leader always with the organization they lead; the city's "三个百佳"
    selection honours community organizations (a filing, or the organization it registered as),
    their leaders and projects. See docs/decisions/0024-honours.md.
    """

    kind = models.CharField(_("honour"), max_length=30, choices=HonourKind.choices, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    issuing_body = models.CharField(_("issuing body"), max_length=100, blank=True)
    title = models.CharField(
        _("title as conferred"),
        max_length=200,
        blank=True,
        help_text=_("The wording of the award, if it is more specific."),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("organization"),
    )
    community_organization = models.ForeignKey(
        CommunityOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours",
        verbose_name=_("community organization filing"),
        help_text=_('For the "three hundred best" selection: the community organization honoured.'),
    )
    person_name = models.CharField(_("person"), max_length=50, blank=True)
    hundred_best_list = models.CharField(
        _('"three hundred best" list'),
        max_length=12,
        choices=HundredBestList.choices,
        blank=True,
        help_text=_(
            'For the "three hundred best" selection: which of its three lists (百佳社区社会组织, 百佳负责人, '
            "百佳优秀工作案例)."
        ),
    )
    note = models.TextField(_("note"), blank=True)
    # Naming a filing makes the honour the filing's record too (0100-…).
    guarded_links = ("community_organization",)
    # Withdrawal (撤销荣誉) is a change of the record, never a delete: the honour stays on record.
    withdrawn_on = models.DateField(_("date withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(
        _("reason for withdrawal"), blank=True, default="", db_default="", editable=False
    )

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100),
                name="honour_year_plausible",
                violation_error_message=_("Enter the year the honour was conferred (1949 or later)."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(ORGANIZATION_HONOURS))
                | Q(organization__isnull=False, person_name="", community_organization__isnull=True),
                name="honour_organization_kinds_name_an_organization",
                violation_error_message=_(
                    "This honour is given to an organization: name the organization, not a person."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(PERSONAL_HONOURS)) | ~Q(person_name=""),
                name="honour_personal_kinds_name_a_person",
                violation_error_message=_("This honour is given to a person: enter the person's name."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=HonourKind.PROVINCIAL_LEADER) | Q(organization__isnull=False),
                name="honour_leader_has_organization",
                violation_error_message=_("A provincial leader is honoured with the organization they lead."),
            ),
            models.CheckConstraint(
                condition=Q(community_organization__isnull=True) | Q(kind=HonourKind.CITY_THREE_HUNDRED_BEST),
                name="honour_filing_only_three_hundred_best",
                violation_error_message=_(
                    'Only the "three hundred best" selection is given to a community organization filing.'
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=HonourKind.CITY_THREE_HUNDRED_BEST)
                | Q(community_organization__isnull=False)
                | Q(organization__isnull=False),
                name="honour_three_hundred_best_names_a_community_organization",
                violation_error_message=_(
                    'The "three hundred best" selection honours a community organization: choose its filing '
                    "(or the organization it registered as)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(hundred_best_list="") | Q(kind=HonourKind.CITY_THREE_HUNDRED_BEST),
                name="honour_list_only_three_hundred_best",
                violation_error_message=_('Only the "three hundred best" selection has lists.'),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True, withdrawal_reason="")
                | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="honour_withdrawal_has_reason",
                violation_error_message=_("A withdrawal needs both its date and its reason."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__year__gte=models.F("year")),
                name="honour_withdrawn_after_conferred",
                violation_error_message=_("An honour is withdrawn in or after the year it was conferred."),
            ),
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(community_organization__isnull=False) | ~Q(person_name=""),
                name="honour_has_recipient",
                violation_error_message=_("Name the organization or the person honoured."),
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "organization", "person_name", "title"],
                condition=Q(organization__isnull=False),
                name="honour_unique_per_recipient",
                violation_error_message=_("This honour is already recorded for this recipient and year."),
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "community_organization", "person_name", "title"],
                condition=Q(community_organization__isnull=False),
                name="honour_unique_per_filing",
                violation_error_message=_("This honour is already recorded for this recipient and year."),
            ),
        ]

    def __str__(self) -> str:
        if self.person_name:
            recipient = self.person_name
        elif self.organization_id:
            recipient = str(self.organization)
        elif self.community_organization_id:
            recipient = self.community_organization.name
        else:
            recipient = ""
        return f"{self.year} {self.get_kind_display()} {recipient}".strip()

    def jurisdiction_district(self) -> str | None:
        """The district of the organization and the filing it names, when they are one district's;
        otherwise (or naming neither) the city bureau's (None): docs/decisions/0100-…."""
        districts = set()
        if self.organization_id:
            districts.add(self.organization.jurisdiction_district())
        if self.community_organization_id:
            districts.add(self.community_organization.jurisdiction_district())
        return districts.pop() if len(districts) == 1 else None

    def clean(self):
        self.person_name = normalise_text(self.person_name)
        self.issuing_body = normalise_text(self.issuing_body) or DEFAULT_ISSUING_BODY.get(self.kind, "")
        if self.kind == HonourKind.CITY_THREE_HUNDRED_BEST and not self.hundred_best_list:
            raise ValidationError(
                {
                    "hundred_best_list": [
                        _(
                            'Choose which of the three "three hundred best" lists: community organizations, '
                            "leaders or work cases."
                        )
                    ]
                }
            )
        if self.kind != HonourKind.CITY_THREE_HUNDRED_BEST and self.hundred_best_list:
            raise ValidationError({"hundred_best_list": [_('Only the "three hundred best" selection has lists.')]})
        not_in_future(year=self.year, message=_("The year may not lie in the future."))
