"""Concluding, revoking, lowering and reinstating ratings; withdrawing and reinstating honours. The API and
the admin call these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import check_reinstate, check_write
from core.context import change_context
from core.services import check_status_date, require_reason
from ratings.choices import DEFAULT_MAX_SCORE, MIN_YEARS_REGISTERED, EvaluationStatus, Grade, RevocationGround
from ratings.models import Evaluation, Honour, add_years
from registry.choices import CreditList, InspectionResult, OrgStatus
from registry.models import AnnualInspection, CreditListEntry, Organization
from registry.models.credit import in_force_on


def _grade_label(grade: int) -> str:
    return Grade(grade).label


def _active_on(organization: Organization, day: datetime.date) -> bool:
    """Registered and not yet deregistered or revoked on `day` (a rating may be recorded afterwards)."""
    if organization.status == OrgStatus.ACTIVE:
        return True
    return organization.status_date is not None and organization.status_date > day


def inspection_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """Refusals from the annual inspections (年检) of the two years before `on`'s year.

    Last year's inspection failed (不合格) or missed (未参检), or 基本合格 both of the last two years.
    A year without an inspection record is not a missed one: the inspection may not be recorded yet.
    """
    last_year, year_before = on.year - 1, on.year - 2
    results = dict(
        AnnualInspection.objects.filter(organization=organization, year__in=[last_year, year_before]).values_list(
            "year", "result"
        )
    )
    refusals = []
    if results.get(last_year) in {InspectionResult.FAILED, InspectionResult.ABSENT}:
        refusals.append(
            _("The annual inspection of %(year)d is recorded as %(result)s.")
            % {"year": last_year, "result": InspectionResult(results[last_year]).label}
        )
    if results.get(last_year) == results.get(year_before) == InspectionResult.BASICALLY_PASSED:
        refusals.append(
            _("The annual inspections of %(first)d and %(second)d were both %(result)s.")
            % {"first": year_before, "second": last_year, "result": InspectionResult.BASICALLY_PASSED.label}
        )
    return refusals


def serious_violation_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """A refusal when the organization is on the serious-violation list (严重违法失信名单) on `on`."""
    entry = (
        CreditListEntry.objects.filter(in_force_on(on), organization=organization, list_kind=CreditList.SERIOUS)
        .order_by("-listed_on")
        .first()
    )
    if entry is None:
        return []
    return [
        _("The organization is on the serious-violation list since %(date)s.") % {"date": entry.listed_on.isoformat()}
    ]


def eligibility_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """Why `organization` may not be rated on `on` (empty when it may), in the words a clerk reads.

    民政部令第39号: the organization is active, registered for two years, its last annual
    inspection neither failed nor missed, not 基本合格 two years running, not on the
    serious-violation list.
    """
    refusals = []
    if not _active_on(organization, on):
        refusals.append(
            _("The organization is %(status)s since %(date)s; only an active organization can be rated.")
            % {"status": organization.get_status_display(), "date": organization.status_date.isoformat()}
        )
    eligible_from = add_years(organization.registered_on, MIN_YEARS_REGISTERED)
    if on < eligible_from:
        refusals.append(
            _(
                "The organization was registered on %(registered)s: it can be rated only after two years of "
                "registration, from %(eligible)s."
            )
            % {"registered": organization.registered_on.isoformat(), "eligible": eligible_from.isoformat()}
        )
    refusals += inspection_refusals(organization=organization, on=on)
    refusals += serious_violation_refusals(organization=organization, on=on)
    return refusals


def _save(record: Evaluation | Honour, *, actor, message: str) -> Evaluation | Honour:
    with change_context(actor=actor, message=message):
        record.full_clean()
        record.save()
    return record


@transaction.atomic
def evaluation_conclude(
    *,
    organization: Organization,
    grade: int,
    concluded_on: datetime.date,
    score: Decimal | None = None,
    max_score: int = DEFAULT_MAX_SCORE,
    actor,
) -> Evaluation:
    """Record a rating concluded on `concluded_on`; it supersedes the organization's earlier rating.

    `score` is on the round's scale of `max_score` points. A ValidationError names every reason the
    rating is refused: the grade or score out of range,
    and each eligibility rule the organization fails on that day.
    """
    # One conclusion at a time per organization: the newest rating is what the grade rests on.
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    evaluation = Evaluation(
        organization=organization, grade=grade, concluded_on=concluded_on, score=score, max_score=max_score
    )
    # Jurisdiction first, so a district client hears "not yours" (403), not why it would be ineligible.
    check_write(actor, before=None, after=evaluation)
    errors: dict[str, list[str]] = {}
    try:
        evaluation.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if concluded_on is not None and "concluded_on" not in errors:
        refusals = eligibility_refusals(organization=organization, on=concluded_on)
        if refusals:
            errors.setdefault("organization", []).extend(refusals)
    if errors:
        raise ValidationError(errors)
    previous = current_or_none(organization, concluded_on)
    message = _("Rated %(grade)s.") % {"grade": _grade_label(grade)}
    if previous is not None:
        message += " " + _("Supersedes %(grade)s concluded on %(date)s.") % {
            "grade": _grade_label(previous.grade),
            "date": previous.concluded_on.isoformat(),
        }
    return _save(evaluation, actor=actor, message=message)


def current_or_none(organization: Organization, day: datetime.date) -> Evaluation | None:
    """The organization's rating in force on `day`, if any (what a new rating on `day` supersedes)."""
    return Evaluation.objects.filter(organization=organization).valid_on(day).first()


def _check_revocable(evaluation: Evaluation, on: datetime.date) -> None:
    if on > timezone.localdate():
        raise ValidationError({"date": [_("The date may not lie in the future.")]})
    status = evaluation.status_on(on)
    if status is None:
        raise ValidationError(
            {
                "date": [
                    _("The rating was concluded on %(date)s, after that date.")
                    % {"date": evaluation.concluded_on.isoformat()}
                ]
            }
        )
    if status == EvaluationStatus.REVOKED:
        raise ValidationError(
            {"status": [_("The rating was already revoked on %(date)s.") % {"date": evaluation.revoked_on.isoformat()}]}
        )
    if status == EvaluationStatus.SUPERSEDED:
        raise ValidationError(
            {"status": [_("On that date the rating had already been superseded by a newer one; revoke that one.")]}
        )
    if status == EvaluationStatus.EXPIRED:
        raise ValidationError(
            {
                "status": [
                    _("The rating lapsed after %(date)s; there is nothing to revoke on that date.")
                    % {"date": evaluation.valid_until.isoformat()}
                ]
            }
        )


def _revoke(*, evaluation: Evaluation, on: datetime.date, reason: str, ground: str, actor, message: str) -> Evaluation:
    _check_revocable(evaluation, on)
    evaluation.revoked_on = on
    evaluation.revocation_ground = ground or RevocationGround.OTHER
    evaluation.revocation_reason = reason
    return _save(evaluation, actor=actor, message=message)


@transaction.atomic
def evaluation_revoke(
    *,
    evaluation: Evaluation,
    on: datetime.date,
    reason: str,
    ground: str = RevocationGround.OTHER,
    actor,
) -> Evaluation:
    """取消评估等级: the rating ends on `on` (inclusive: the organization has no grade that day).

    Only a rating in force on `on` can be revoked; the organization is then without a grade (an
    older rating does not come back).
    """
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    reason = require_reason(reason)
    return _revoke(evaluation=evaluation, on=on, reason=reason, ground=ground, actor=actor, message=reason)


@transaction.atomic
def evaluation_downgrade(
    *,
    evaluation: Evaluation,
    on: datetime.date,
    grade: int,
    reason: str,
    ground: str = RevocationGround.OTHER,
    score: Decimal | None = None,
    max_score: int | None = None,
    actor,
) -> Evaluation:
    """降低评估等级: revoke `evaluation` on `on` and conclude a lower rating the same day, in one step.

    The lower rating keeps the revoked one's `valid_until` (a sanction never lengthens a rating), and
    the eligibility rules of a new evaluation do not apply to it: its grounds are often the very
    inspection results that would refuse one. The organization must still be active.
    Returns the new, lower rating.
    """
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    reason = require_reason(reason)
    if grade not in Grade.values or grade >= evaluation.grade:
        raise ValidationError(
            {"grade": [_("A downgrade needs a grade below %(grade)s.") % {"grade": evaluation.get_grade_display()}]}
        )
    lower = Evaluation(
        organization=evaluation.organization,
        grade=grade,
        concluded_on=on,
        score=score,
        max_score=max_score or evaluation.max_score,
        downgraded_from=evaluation,
    )
    check_write(actor, before=evaluation, after=lower)
    if not _active_on(evaluation.organization, on):
        raise ValidationError({"organization": [_("Only an active organization can be rated.")]})
    if on == evaluation.concluded_on:
        raise ValidationError({"date": [_("A rating cannot be lowered on the day it was concluded.")]})
    message = _("Lowered from %(old)s to %(new)s: %(reason)s") % {
        "old": evaluation.get_grade_display(),
        "new": _grade_label(grade),
        "reason": reason,
    }
    _revoke(evaluation=evaluation, on=on, reason=reason, ground=ground, actor=actor, message=message)
    return _save(lower, actor=actor, message=message)


@transaction.atomic
def evaluation_reinstate(*, evaluation: Evaluation, reason: str, actor) -> Evaluation:
    """Undo a revocation recorded in error or overturned on review (clerks only).

    A revocation that was part of a downgrade is not undone this way: the lower rating, concluded
    the same day, would still supersede this one (docs/decisions/0022-downgrade-and-reinstate.md).
    """
    check_reinstate(actor)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    reason = require_reason(reason)
    if evaluation.revoked_on is None:
        raise ValidationError({"status": [_("The rating is not revoked; there is nothing to reinstate.")]})
    lower = Evaluation.objects.filter(downgraded_from=evaluation).first()
    if lower is not None:
        raise ValidationError(
            {
                "status": [
                    _(
                        "This rating was lowered to %(grade)s on %(date)s; reinstating it would not restore the grade. "
                        "Ask a system administrator to remove the lower rating recorded in error first."
                    )
                    % {"grade": lower.get_grade_display(), "date": lower.concluded_on.isoformat()}
                ]
            }
        )
    evaluation.revoked_on = None
    evaluation.revocation_ground = ""
    evaluation.revocation_reason = ""
    return _save(evaluation, actor=actor, message=reason)


# Honours (荣誉)


@transaction.atomic
def honour_withdraw(*, honour: Honour, on: datetime.date, reason: str, actor) -> Honour:
    """撤销荣誉: the honour is withdrawn from `on`; from that day it no longer counts."""
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    reason = require_reason(reason)
    if honour.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": [_("The honour was already withdrawn.")]})
    check_status_date(on=on, since=datetime.date(honour.year, 1, 1), since_label=_("start of the year conferred"))
    honour.withdrawn_on = on
    honour.withdrawal_reason = reason
    return _save(honour, actor=actor, message=reason)


@transaction.atomic
def honour_reinstate(*, honour: Honour, reason: str, actor) -> Honour:
    """Undo a withdrawal recorded in error (clerks only): the honour counts again."""
    check_reinstate(actor)
    honour = Honour.objects.select_for_update().get(pk=honour.pk)
    reason = require_reason(reason)
    if honour.withdrawn_on is None:
        raise ValidationError({"withdrawn_on": [_("The honour is in force; there is nothing to reinstate.")]})
    honour.withdrawn_on = None
    honour.withdrawal_reason = ""
    return _save(honour, actor=actor, message=reason)
