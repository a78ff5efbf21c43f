"""The evaluation procedure (评估程序, 民政部令第39号 art. 16): rounds, applications and objections.

A rating (`ratings.Evaluation`) is the outcome; an application is the case that leads to it, step by
step: applied → accepted (or refused) → scored → public notice → concluded (or withdrawn). See
docs/decisions/0220-evaluation-procedure.md.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import HistoryModel
from core.models.history import HistoryQuerySet
from evaluations.choices import (
    DEFAULT_PUBLIC_NOTICE_DAYS,
    DEFAULT_THRESHOLDS,
    OBJECTION_REVIEW_DAYS,
    ApplicationStatus,
)
from ratings.choices import DEFAULT_MAX_SCORE, Grade
from ratings.models import Evaluation
from registry.choices import CITY_CODE, DivisionLevel
from registry.models import Division, Organization

# The grades from the highest down, with the round's field holding each one's lowest score.
THRESHOLD_FIELDS = [(grade, f"min_score_{grade}a") for grade in (5, 4, 3, 2, 1)]


def _threshold(grade: int, verbose_name):
    return models.DecimalField(
        verbose_name,
        max_digits=7,
        decimal_places=2,
        default=Decimal(DEFAULT_THRESHOLDS[grade]),
    )


class EvaluationRound(HistoryModel):
    """An evaluation round (评估批次) of one registration authority: its scale, grade thresholds,
    application window and public-notice length. The authority evaluates the organizations it
    registered (39号令 art. 5): the city bureau's round those it registers, a district's its own."""

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    name = models.CharField(_("name"), max_length=200)
    authority = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        default=CITY_CODE,
        related_name="evaluation_rounds",
        verbose_name=_("registration authority"),
        limit_choices_to={"level__in": [DivisionLevel.CITY, DivisionLevel.DISTRICT]},
        help_text=_("The civil-affairs bureau that runs the round: the city bureau (330200) or a district's."),
    )
    max_score = models.PositiveIntegerField(_("full marks"), default=DEFAULT_MAX_SCORE)
    min_score_5a = _threshold(5, _("lowest score for 5A"))
    min_score_4a = _threshold(4, _("lowest score for 4A"))
    min_score_3a = _threshold(3, _("lowest score for 3A"))
    min_score_2a = _threshold(2, _("lowest score for 2A"))
    min_score_1a = _threshold(1, _("lowest score for 1A"))
    applications_from = models.DateField(_("applications from"))
    applications_until = models.DateField(_("applications until"))
    public_notice_days = models.PositiveSmallIntegerField(
        _("days of public notice"), default=DEFAULT_PUBLIC_NOTICE_DAYS
    )

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="evaluation_round_year_plausible",
                violation_error_message=_("Enter the year of the round (2000 or later)."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="evaluation_round_max_score_positive",
                violation_error_message=_("The full marks must be above zero."),
            ),
            models.CheckConstraint(
                condition=Q(min_score_5a__lte=F("max_score"))
                & Q(min_score_5a__gt=F("min_score_4a"))
                & Q(min_score_4a__gt=F("min_score_3a"))
                & Q(min_score_3a__gt=F("min_score_2a"))
                & Q(min_score_2a__gt=F("min_score_1a"))
                & Q(min_score_1a__gte=0),
                name="evaluation_round_thresholds_descend",
                violation_error_message=_(
                    "The lowest scores must descend from 5A to 1A, the 5A one within the full marks and the 1A "
                    "one not negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(applications_until__gte=F("applications_from")),
                name="evaluation_round_window_ordered",
                violation_error_message=_("Applications close on or after the day they open."),
            ),
            models.CheckConstraint(
                condition=Q(public_notice_days__gte=1, public_notice_days__lte=60),
                name="evaluation_round_notice_days_range",
                violation_error_message=_("The public notice lasts from 1 to 60 days."),
            ),
            models.UniqueConstraint(
                fields=["authority", "name"],
                name="evaluation_round_name_unique_per_authority",
                violation_error_message=_("This authority already has a round of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def jurisdiction_district(self) -> str | None:
        """A district's round belongs to that district; the city bureau's to none (clerks only)."""
        return self.authority_id if self.authority_id and self.authority_id != CITY_CODE else None

    def proposed_grade(self, score: Decimal) -> int | None:
        """The grade the thresholds give `score`, or None below the 1A threshold."""
        for grade, field in THRESHOLD_FIELDS:
            if score >= getattr(self, field):
                return grade
        return None


class EvaluationApplication(HistoryModel):
    """An organization's application to a round, and every step it has taken.

    The status moves by actions only (services in evaluations/services.py); the fields of each step
    are filled by its action and kept afterwards, so the case reads as it went.
    """

    round = models.ForeignKey(
        EvaluationRound, on_delete=models.PROTECT, related_name="applications", verbose_name=_("evaluation round")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="evaluation_applications",
        verbose_name=_("organization"),
    )
    applied_on = models.DateField(_("date of application"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.APPLIED,
        editable=False,
        db_index=True,
    )
    status_date = models.DateField(_("status since"), null=True, blank=True, editable=False)
    eligibility_reasons = models.JSONField(
        _("eligibility refusals"),
        default=list,
        blank=True,
        editable=False,
        help_text=_("Each eligibility rule the organization failed when the application was examined."),
    )
    accepted_on = models.DateField(_("date accepted"), null=True, blank=True, editable=False)
    acceptance_reason = models.TextField(
        _("reason for accepting despite a refusal"), blank=True, default="", editable=False
    )
    refused_on = models.DateField(_("date refused"), null=True, blank=True, editable=False)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True, default="", editable=False)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False)
    scored_on = models.DateField(_("date scored"), null=True, blank=True, editable=False)
    proposed_grade = models.PositiveSmallIntegerField(
        _("grade by the thresholds"), choices=Grade.choices, null=True, blank=True, editable=False
    )
    grade = models.PositiveSmallIntegerField(
        _("grade recorded"), choices=Grade.choices, null=True, blank=True, editable=False
    )
    grade_reason = models.TextField(_("reason for a lower grade"), blank=True, default="", editable=False)
    notice_from = models.DateField(_("public notice from"), null=True, blank=True, editable=False)
    notice_until = models.DateField(_("public notice until"), null=True, blank=True, editable=False)
    concluded_on = models.DateField(_("date concluded"), null=True, blank=True, editable=False)
    evaluation = models.OneToOneField(
        Evaluation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="application",
        verbose_name=_("rating concluded"),
    )
    withdrawn_on = models.DateField(_("date withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, default="", editable=False)

    objects = HistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation application")
        verbose_name_plural = _("evaluation applications")
        ordering = ["-applied_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"],
                name="evaluation_application_one_per_round",
                violation_error_message=_("This organization has already applied to this round."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="evaluation_application_score_not_negative",
                violation_error_message=_("The score may not be negative."),
            ),
            models.CheckConstraint(
                condition=Q(notice_from__isnull=True) | Q(notice_until__gte=F("notice_from")),
                name="evaluation_application_notice_ordered",
                violation_error_message=_("The public notice ends on or after the day it begins."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.round}"

    def jurisdiction_district(self) -> str | None:
        """An application belongs to the district of its organization (the authority that evaluates it)."""
        return self.organization.jurisdiction_district() if self.organization_id else None

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.round_id is None or self.organization_id is None:
            return
        errors = {}
        if self.organization.jurisdiction_district() != self.round.jurisdiction_district():
            errors["round"] = [
                _(
                    "An organization is evaluated by the authority that registered it (Order No. 39 art. 5): "
                    "choose a round of %(authority)s."
                )
                % {"authority": self.organization.registered_by}
            ]
        if self.applied_on is not None and self._state.adding:
            if not self.round.applications_from <= self.applied_on <= self.round.applications_until:
                errors["applied_on"] = [
                    _("The round takes applications from %(start)s to %(end)s.")
                    % {
                        "start": self.round.applications_from.isoformat(),
                        "end": self.round.applications_until.isoformat(),
                    }
                ]
        if errors:
            raise ValidationError(errors)


class ObjectionQuerySet(HistoryQuerySet):
    def overdue(self, on: datetime.date | None = None) -> ObjectionQuerySet:
        """Undecided objections whose review was due before `on` (default today)."""
        day = on or timezone.localdate()
        return self.filter(decided_on__isnull=True, decision_due_on__lt=day)


class Objection(HistoryModel):
    """An objection (异议, 复核申请) to a proposed grade, filed within the public notice (39号令 art. 20);
    its review is decided within 15 days (`decision_due_on`)."""

    application = models.ForeignKey(
        EvaluationApplication,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("evaluation application"),
    )
    filed_on = models.DateField(_("date filed"))
    grounds = models.TextField(_("grounds"))
    decision_due_on = models.DateField(_("decision due on"), editable=False)
    decision = models.TextField(_("review decision"), blank=True, default="", editable=False)
    decided_on = models.DateField(_("date decided"), null=True, blank=True, editable=False)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True, decision="")
                | (Q(decided_on__gte=F("filed_on")) & ~Q(decision="")),
                name="objection_decision_complete",
                violation_error_message=_("A decision has a date on or after the filing and its text."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.organization} · {self.filed_on:%Y-%m-%d}"

    def jurisdiction_district(self) -> str | None:
        return self.application.jurisdiction_district() if self.application_id else None

    @property
    def overdue(self) -> bool:
        return (
            self.decided_on is None and self.decision_due_on is not None and self.decision_due_on < timezone.localdate()
        )

    def save(self, *args, **kwargs):
        if self.filed_on is not None:
            self.decision_due_on = self.filed_on + datetime.timedelta(days=OBJECTION_REVIEW_DAYS)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        from core.validators import not_in_future

        if self.filed_on is None:
            return
        not_in_future(filed_on=self.filed_on)
        self.decision_due_on = self.filed_on + datetime.timedelta(days=OBJECTION_REVIEW_DAYS)
        if self.application_id is None or not self._state.adding:
            return
        application = self.application
        if application.status != ApplicationStatus.PUBLIC_NOTICE:
            raise ValidationError(
                {
                    "application": [
                        _("Objections are filed during the public notice; the application is %(status)s.")
                        % {"status": application.get_status_display()}
                    ]
                }
            )
        if not application.notice_from <= self.filed_on <= application.notice_until:
            raise ValidationError(
                {
                    "filed_on": [
                        _(
                            "An objection is filed within the public notice, from %(start)s to %(end)s "
                            "(Order No. 39 art. 20)."
                        )
                        % {"start": application.notice_from.isoformat(), "end": application.notice_until.isoformat()}
                    ]
                }
            )
