"""Concluding, revoking, lowering and reinstating ratings; withdrawing and reinstating honours. The API and
the admin call these."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import check_reinstate, check_write
from core.services import check_status_date, instance_save, require_reason
from core.validators import not_in_future
from ratings.choices import DEFAULT_MAX_SCORE, MIN_YEARS_REGISTERED, EvaluationStatus, Grade, RevocationGround
from ratings.models import Evaluation, Honour, add_years
from registry.choices import CreditList, OrgStatus, ReportResult
from registry.models import AdministrativePenalty, AnnualReport, CreditListEntry, Organization
from registry.models.credit import in_force_on

# The provisions a refusal names (民政部令第39号《社会组织评估管理办法》, and the 2021 national rules).
ART_6_1 = gettext_lazy("Order No. 39 art. 6(1)")
ART_6_2 = gettext_lazy("Order No. 39 art. 6(2)")
ART_7_1 = gettext_lazy("Order No. 39 art. 7(1)")
ART_7_2 = gettext_lazy("Order No. 39 art. 7(2)")
ART_7_3 = gettext_lazy("Order No. 39 art. 7(3)")
ART_7_4 = gettext_lazy("Order No. 39 art. 7(4)")
CREDIT_LIST_RULES = gettext_lazy("2021 national evaluation rules")


def _grade_label(grade: int) -> str:
    return Grade(grade).label


def _active_on(organization: Organization, day: datetime.date) -> bool:
    """Registered and not yet deregistered or revoked on `day` (a rating may be recorded afterwards)."""
    if organization.status == OrgStatus.ACTIVE:
        return True
    return organization.status_date is not None and organization.status_date > day


def _article(article: str, reason: str) -> str:
    """A refusal with the provision it rests on, so a clerk can answer "on what ground?"."""
    return _("%(article)s: %(reason)s") % {"article": article, "reason": reason}


def report_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """Refusals from the annual work reports (年度工作报告, formerly 年检) of the two years before `on`'s
    year (39号令 art. 7(一)(二)).

    Last year's report not filed (a row without `submitted_on`, or no record at all: the organization
    owed it) or failed (不合格), or 基本合格 both of the last two years.
    """
    last_year, year_before = on.year - 1, on.year - 2
    results = dict(
        AnnualReport.objects.filter(
            organization=organization, year__in=[last_year, year_before], submitted_on__isnull=False
        ).values_list("year", "result")
    )
    refusals = []
    last = results.get(last_year)
    if last is None:
        refusals.append(
            _article(
                ART_7_1,
                _("the organization did not take part in the annual inspection of %(year)d.") % {"year": last_year},
            )
        )
    elif last == ReportResult.FAILED:
        refusals.append(
            _article(
                ART_7_2,
                _("the annual inspection of %(year)d is recorded as %(result)s.")
                % {"year": last_year, "result": ReportResult(last).label},
            )
        )
    if last == results.get(year_before) == ReportResult.BASICALLY_PASSED:
        refusals.append(
            _article(
                ART_7_2,
                _("the annual inspections of %(first)d and %(second)d were both %(result)s.")
                % {"first": year_before, "second": last_year, "result": ReportResult.BASICALLY_PASSED.label},
            )
        )
    return refusals


def penalty_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """A refusal when an administrative penalty was decided in the year before `on`'s year (art. 7(三))."""
    penalty = (
        AdministrativePenalty.objects.filter(organization=organization, decided_on__year=on.year - 1)
        .order_by("-decided_on")
        .first()
    )
    if penalty is None:
        return []
    return [
        _article(
            ART_7_3,
            _("the organization received an administrative penalty (%(kind)s) from %(authority)s on %(date)s.")
            % {
                "kind": penalty.get_kind_display(),
                "authority": penalty.authority,
                "date": penalty.decided_on.isoformat(),
            },
        )
    ]


def investigation_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """A refusal while the organization is under investigation (立案调查, art. 7(四))."""
    since = organization.under_investigation_since
    if since is None or since > on:
        return []
    return [
        _article(
            ART_7_4,
            _("the organization is under investigation since %(date)s (%(reason)s).")
            % {"date": since.isoformat(), "reason": organization.investigation_reason},
        )
    ]


def credit_list_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """A refusal for each credit list the organization is on on `on` (the 2021 national evaluation rules)."""
    entries = CreditListEntry.objects.filter(in_force_on(on), organization=organization).order_by("listed_on")
    refusals = []
    for list_kind in (CreditList.ABNORMAL, CreditList.SERIOUS):
        entry = next((entry for entry in entries if entry.list_kind == list_kind), None)
        if entry is not None:
            refusals.append(
                _article(
                    CREDIT_LIST_RULES,
                    _("the organization is on the %(list)s since %(date)s.")
                    % {"list": CreditList(list_kind).label, "date": entry.listed_on.isoformat()},
                )
            )
    return refusals


def valid_grade_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """A refusal while the organization holds a grade whose validity has not run out (art. 6(二))."""
    current = current_or_none(organization, on)
    if current is None:
        return []
    return [
        _article(
            ART_6_2,
            _("the organization holds %(grade)s valid until %(date)s; it may be evaluated again once that has run out.")
            % {"grade": current.get_grade_display(), "date": current.valid_until.isoformat()},
        )
    ]


def eligibility_refusals(*, organization: Organization, on: datetime.date) -> list[str]:
    """Why `organization` may not be rated on `on` (empty when it may), in the words a clerk reads.

    民政部令第39号《社会组织评估管理办法》: art. 6(一) registered two full years, art. 6(二) no grade
    whose five-year validity is still running, art. 7(一)(二) last year's inspection taken and not
    不合格, nor 基本合格 two years running, art. 7(三) no administrative penalty last year, art. 7(四)
    not under investigation. The credit lists came later (民政部令第60号, 2018): that an organization
    on either list is not evaluated is the Ministry's 2021 national evaluation rules
    (《全国性社会组织评估管理规定》), not 39号令. See docs/decisions/0023-rating-eligibility.md.
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
            _article(
                ART_6_1,
                _(
                    "the organization was registered on %(registered)s: it can be rated only after two years of "
                    "registration, from %(eligible)s."
                )
                % {"registered": organization.registered_on.isoformat(), "eligible": eligible_from.isoformat()},
            )
        )
    refusals += valid_grade_refusals(organization=organization, on=on)
    refusals += report_refusals(organization=organization, on=on)
    refusals += penalty_refusals(organization=organization, on=on)
    refusals += investigation_refusals(organization=organization, on=on)
    refusals += credit_list_refusals(organization=organization, on=on)
    return refusals


@transaction.atomic
def evaluation_conclude(
    *,
    organization: Organization,
    grade: int,
    concluded_on: datetime.date,
    score: Decimal | None = None,
    max_score: int = DEFAULT_MAX_SCORE,
    eligibility_on: datetime.date | None = None,
    eligibility_waiver: str = "",
    actor,
) -> Evaluation:
    """Record a rating concluded on `concluded_on`; it supersedes the organization's earlier rating.

    `score` is on the round's scale of `max_score` points. A ValidationError names every reason the
    rating is refused: the grade or score out of range,
    and each eligibility rule the organization fails on that day.

    The evaluation procedure (evaluations/services.py) examines eligibility when it accepts an
    application, so it passes that day as `eligibility_on`; and when the authority accepted despite a
    refusal, its recorded reason as `eligibility_waiver` (the organization must still be active).
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
        if eligibility_waiver:
            if not _active_on(organization, concluded_on):
                errors.setdefault("organization", []).append(_("Only an active organization can be rated."))
        else:
            refusals = eligibility_refusals(organization=organization, on=eligibility_on or concluded_on)
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
    if eligibility_waiver:
        message += " " + _("Accepted despite the eligibility rules: %(reason)s") % {"reason": eligibility_waiver}
    return instance_save(instance=evaluation, actor=actor, message=message)


def current_or_none(organization: Organization, day: datetime.date) -> Evaluation | None:
    """The organization's rating in force on `day`, if any (what a new rating on `day` supersedes)."""
    return Evaluation.objects.filter(organization=organization).valid_on(day).first()


def _check_revocable(evaluation: Evaluation, on: datetime.date) -> None:
    not_in_future(date=on)
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
    return instance_save(instance=evaluation, actor=actor, message=message)


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
    return instance_save(instance=lower, actor=actor, message=message)


@transaction.atomic
def evaluation_reinstate(*, evaluation: Evaluation, reason: str, actor) -> Evaluation:
    """Undo a revocation recorded in error or overturned on review (clerks only).

    A revocation that was part of a downgrade is not undone this way: the lower rating, concluded
    the same day, would still supersede this one (docs/decisions/0022-changing-a-rating.md).
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
    return instance_save(instance=evaluation, actor=actor, message=reason)


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
    return instance_save(instance=honour, actor=actor, message=reason)


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
    return instance_save(instance=honour, actor=actor, message=reason)
