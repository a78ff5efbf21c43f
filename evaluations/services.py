"""The steps of an evaluation (民政部令第39号 art. 16), each an action in one transaction with its history.

applied → accepted (art. 6–7 examined; a refusal may be overridden only with a recorded reason) or
refused → scored (the round's thresholds propose a grade; a lower one needs a reason) → public
notice (art. 16(五)) → concluded (the rating, through ratings.services.evaluation_conclude) or, from
any open step, withdrawn. Objections (art. 20) are filed during the notice and decided within 15
days; none may be pending at the conclusion. The API and the admin call these.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import check_write
from core.context import change_context
from core.services import check_status_date, require_reason
from core.validators import not_in_future
from evaluations.choices import OPEN_STATUSES, ApplicationStatus
from evaluations.models import EvaluationApplication, Objection
from ratings.choices import Grade
from ratings.services import eligibility_refusals, evaluation_conclude


def _locked(application: EvaluationApplication) -> EvaluationApplication:
    return (
        EvaluationApplication.objects.select_related("round", "organization").select_for_update().get(pk=application.pk)
    )


def _expect(application: EvaluationApplication, *allowed: str, step: str) -> None:
    """Steps out of order are refused, naming the status the application is in."""
    if application.status not in allowed:
        raise ValidationError(
            {
                "status": [
                    _("The application is %(status)s; %(step)s needs it to be %(allowed)s.")
                    % {
                        "status": application.get_status_display(),
                        "step": step,
                        "allowed": _(" or ").join(str(ApplicationStatus(value).label) for value in allowed),
                    }
                ]
            }
        )


def _check_date(application: EvaluationApplication, on: datetime.date, since: datetime.date | None) -> None:
    check_status_date(on=on, since=since or application.applied_on, since_label=_("previous step"))


def _save(application: EvaluationApplication, *, status: str, on: datetime.date, actor, message: str):
    application.status = status
    application.status_date = on
    with change_context(actor=actor, message=message):
        application.full_clean()
        application.save()
    return application


def application_eligibility(*, application: EvaluationApplication, on: datetime.date) -> list[str]:
    """The eligibility refusals of the application's organization on `on` (art. 6–7, the credit lists),
    each naming its article: ratings' rules, read from the registry's own records."""
    return [str(reason) for reason in eligibility_refusals(organization=application.organization, on=on)]


@transaction.atomic
def application_accept(
    *, application: EvaluationApplication, on: datetime.date, override_reason: str = "", actor
) -> EvaluationApplication:
    """受理: the organization's eligibility on `on` is examined; any failed rule refuses the acceptance
    (each reason naming its article) unless `override_reason` records why it is accepted all the same."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, ApplicationStatus.APPLIED, step="accept/")
    _check_date(application, on, application.applied_on)
    reasons = application_eligibility(application=application, on=on)
    override_reason = (override_reason or "").strip()
    if reasons and not override_reason:
        raise ValidationError(
            {
                "eligibility": reasons,
                "override_reason": [
                    _("To accept the application despite these refusals, record the reason for doing so.")
                ],
            }
        )
    application.eligibility_reasons = reasons
    application.accepted_on = on
    application.acceptance_reason = override_reason if reasons else ""
    message = _("Accepted.")
    if reasons:
        message += " " + _("Despite: %(reasons)s Reason: %(reason)s") % {
            "reasons": " ".join(reasons),
            "reason": override_reason,
        }
    return _save(application, status=ApplicationStatus.ACCEPTED, on=on, actor=actor, message=message)


@transaction.atomic
def application_refuse(
    *, application: EvaluationApplication, on: datetime.date, reason: str = "", actor
) -> EvaluationApplication:
    """不予受理: the eligibility refusals of `on` are recorded; a refusal for another ground (materials
    missing...) needs a `reason`."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, ApplicationStatus.APPLIED, step="refuse/")
    _check_date(application, on, application.applied_on)
    reasons = application_eligibility(application=application, on=on)
    reason = (reason or "").strip()
    if not reasons and not reason:
        raise ValidationError(
            {"reason": [_("The organization meets every eligibility rule: give the reason for refusing it.")]}
        )
    application.eligibility_reasons = reasons
    application.refused_on = on
    application.refusal_reason = reason
    message = " ".join([*reasons, reason]).strip()
    return _save(application, status=ApplicationStatus.REFUSED, on=on, actor=actor, message=message)


@transaction.atomic
def application_score(
    *,
    application: EvaluationApplication,
    on: datetime.date,
    score: Decimal,
    grade: int | None = None,
    grade_reason: str = "",
    actor,
) -> EvaluationApplication:
    """评估委员会 scores the application: the round's thresholds propose a grade; a lower grade may be
    recorded with a reason, never a higher one."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, ApplicationStatus.ACCEPTED, step="score/")
    _check_date(application, on, application.accepted_on)
    round_ = application.round
    score = Decimal(str(score))
    if score < 0:
        raise ValidationError({"score": [_("The score may not be negative.")]})
    proposed = round_.proposed_grade(score)
    grade_reason = (grade_reason or "").strip()
    if grade is None:
        grade = proposed
    elif proposed is None or grade > proposed:
        raise ValidationError(
            {
                "grade": [
                    _("A score of %(score)s gives at most %(grade)s in this round.")
                    % {"score": score, "grade": Grade(proposed).label if proposed else _("no grade")}
                ]
            }
        )
    elif grade < proposed and not grade_reason:
        raise ValidationError(
            {"grade_reason": [_("Recording a grade below the one the thresholds give needs a reason.")]}
        )
    application.score = score
    application.scored_on = on
    application.proposed_grade = proposed
    application.grade = grade
    application.grade_reason = grade_reason if grade != proposed else ""
    message = _("Scored %(score)s of %(max)d: %(grade)s.") % {
        "score": score,
        "max": round_.max_score,
        "grade": Grade(grade).label if grade else _("no grade"),
    }
    return _save(application, status=ApplicationStatus.SCORED, on=on, actor=actor, message=message)


@transaction.atomic
def application_publish(*, application: EvaluationApplication, on: datetime.date, actor) -> EvaluationApplication:
    """公示: the proposed result is published from `on` for the round's `public_notice_days` (art. 16(五))."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, ApplicationStatus.SCORED, step="publish/")
    _check_date(application, on, application.scored_on)
    application.notice_from = on
    application.notice_until = on + datetime.timedelta(days=application.round.public_notice_days - 1)
    message = _("Public notice from %(start)s to %(end)s.") % {
        "start": on.isoformat(),
        "end": application.notice_until.isoformat(),
    }
    return _save(application, status=ApplicationStatus.PUBLIC_NOTICE, on=on, actor=actor, message=message)


@transaction.atomic
def application_conclude(*, application: EvaluationApplication, on: datetime.date, actor) -> EvaluationApplication:
    """确认等级: after the public notice, with every objection decided, the rating is concluded on `on`
    through the ratings services (its validity, and the supersession of an earlier rating, as they rule)."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, ApplicationStatus.PUBLIC_NOTICE, step="conclude/")
    not_in_future(date=on)
    if on <= application.notice_until:
        raise ValidationError(
            {
                "date": [
                    _("The public notice runs until %(date)s; the result is concluded after it.")
                    % {"date": application.notice_until.isoformat()}
                ]
            }
        )
    pending = application.objections.filter(decided_on__isnull=True).order_by("filed_on").first()
    if pending is not None:
        raise ValidationError(
            {
                "objections": [
                    _("The objection filed on %(date)s is not decided yet (due %(due)s); decide it first.")
                    % {"date": pending.filed_on.isoformat(), "due": pending.decision_due_on.isoformat()}
                ]
            }
        )
    if application.grade is not None:
        application.evaluation = evaluation_conclude(
            organization=application.organization,
            grade=application.grade,
            concluded_on=on,
            score=application.score,
            max_score=application.round.max_score,
            eligibility_on=application.accepted_on,
            eligibility_waiver=application.acceptance_reason,
            actor=actor,
        )
        message = _("Concluded: %(grade)s.") % {"grade": Grade(application.grade).label}
    else:
        message = _("Concluded without a grade: the score is below the 1A threshold.")
    application.concluded_on = on
    return _save(application, status=ApplicationStatus.CONCLUDED, on=on, actor=actor, message=message)


@transaction.atomic
def application_withdraw(
    *, application: EvaluationApplication, on: datetime.date, reason: str, actor
) -> EvaluationApplication:
    """The organization withdraws (or the authority ends) an application not yet decided."""
    application = _locked(application)
    check_write(actor, before=application, after=application)
    _expect(application, *sorted(OPEN_STATUSES), step="withdraw/")
    reason = require_reason(reason)
    _check_date(application, on, application.status_date or application.applied_on)
    application.withdrawn_on = on
    application.withdrawal_reason = reason
    return _save(application, status=ApplicationStatus.WITHDRAWN, on=on, actor=actor, message=reason)


@transaction.atomic
def objection_decide(*, objection: Objection, on: datetime.date, decision: str, actor) -> Objection:
    """复核决定: the review of an objection is decided on `on` (due within 15 days of its filing)."""
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    check_write(actor, before=objection, after=objection)
    if objection.decided_on is not None:
        raise ValidationError(
            {"decided_on": [_("The objection was decided on %(date)s.") % {"date": objection.decided_on.isoformat()}]}
        )
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": [_("Enter the review decision.")]})
    check_status_date(on=on, since=objection.filed_on, since_label=_("filing date"))
    objection.decision = decision
    objection.decided_on = on
    with change_context(actor=actor, message=decision):
        objection.full_clean()
        objection.save()
    return objection
