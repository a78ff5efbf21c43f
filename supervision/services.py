"""A clerk's (or a district system's, for its own organizations) decisions on supervision proposals.
Confirming writes the credit-list entry through the registry's services, so the listing has its
history, its decision number and its source; the proposal records the decision."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import WriteForbidden, check_write
from core.context import change_context
from core.services import require_reason
from registry import services as registry_services
from registry.choices import CreditEntrySource, CreditGround, CreditList
from supervision.choices import ProposalKind, ProposalStatus
from supervision.models import SupervisionProposal


def _decision_reason(proposal: SupervisionProposal, decision_number: str) -> str:
    return _("%(kind)s: %(ground)s (%(basis)s), decision %(number)s") % {
        "kind": proposal.get_kind_display(),
        "ground": CreditGround(proposal.ground).label,
        "basis": proposal.basis,
        "number": decision_number,
    }


def _check_open(proposal: SupervisionProposal) -> None:
    if proposal.status != ProposalStatus.OPEN:
        raise ValidationError(
            {"status": [_("The proposal is already %(status)s.") % {"status": proposal.get_status_display()}]}
        )


def _check_decision(on: datetime.date, decision_number: str) -> str:
    errors = {}
    number = (decision_number or "").strip()
    if not number:
        errors["decision_number"] = [_("A decision number is required.")]
    if on > timezone.localdate():
        errors["date"] = [_("The date may not lie in the future.")]
    if errors:
        raise ValidationError(errors)
    return number


@transaction.atomic
def proposal_confirm(
    *, proposal: SupervisionProposal, on: datetime.date, decision_number: str, actor
) -> SupervisionProposal:
    """Confirm a proposal on `on` under decision `decision_number`: list, remove or transfer as it says."""
    proposal = SupervisionProposal.objects.select_for_update().get(pk=proposal.pk)
    check_write(actor, before=proposal, after=proposal)
    _check_open(proposal)
    number = _check_decision(on, decision_number)
    reason = _decision_reason(proposal, number)
    if proposal.entry_id is not None and on < proposal.entry.listed_on:
        raise ValidationError({"date": [_("The date precedes the listing it decides on.")]})
    if proposal.kind == ProposalKind.LIST_ABNORMAL:
        entry = registry_services.credit_entry_list(
            organization=proposal.organization,
            list_kind=CreditList.ABNORMAL,
            ground=proposal.ground,
            on=on,
            reason=reason,
            decision_number=number,
            source=CreditEntrySource.SUPERVISION,
            actor=actor,
        )
    elif proposal.kind == ProposalKind.TRANSFER_SERIOUS:
        entry = registry_services.credit_entry_transfer(
            entry=proposal.entry, on=on, decision_number=number, reason=reason, actor=actor
        )
    else:
        entry = registry_services.credit_entry_remove(
            entry=proposal.entry, on=on, reason=reason, decision_number=number, actor=actor
        )
    proposal.status = ProposalStatus.CONFIRMED
    proposal.decided_on = on
    proposal.decision_number = number
    proposal.result_entry = entry
    with change_context(actor=actor, message=reason):
        proposal.full_clean()
        proposal.save()
    return proposal


@transaction.atomic
def proposal_dismiss(*, proposal: SupervisionProposal, reason: str, actor) -> SupervisionProposal:
    """Dismiss a proposal, saying why (the job will not propose the same again)."""
    proposal = SupervisionProposal.objects.select_for_update().get(pk=proposal.pk)
    check_write(actor, before=proposal, after=proposal)
    reason = require_reason(reason)
    _check_open(proposal)
    proposal.status = ProposalStatus.DISMISSED
    proposal.dismiss_reason = reason
    proposal.decided_on = timezone.localdate()
    with change_context(actor=actor, message=reason):
        proposal.full_clean()
        proposal.save()
    return proposal


@transaction.atomic
def proposals_confirm(
    *, ids: Sequence[int], on: datetime.date, decision_number: str, actor
) -> list[SupervisionProposal]:
    """Confirm many proposals under one decision, all or nothing: an unknown id, one outside the
    actor's jurisdiction (WriteForbidden) or one that cannot be confirmed refuses the whole batch."""
    number = _check_decision(on, decision_number)
    wanted = list(dict.fromkeys(ids))
    found = {p.pk: p for p in SupervisionProposal.objects.select_related("organization").filter(pk__in=wanted)}
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({"ids": [_("No proposal has the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    for pk in wanted:
        check_write(actor, before=found[pk], after=found[pk])
    errors = []
    confirmed = []
    for pk in wanted:
        try:
            with transaction.atomic():
                confirmed.append(proposal_confirm(proposal=found[pk], on=on, decision_number=number, actor=actor))
        except WriteForbidden:
            raise
        except ValidationError as error:
            errors.append({"id": pk, **error.message_dict})
    if errors:
        raise BatchRefused(errors)
    return confirmed


class BatchRefused(Exception):
    """A bulk confirmation refused: the errors of each proposal that could not be confirmed."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors)
        self.errors = errors


@transaction.atomic
def calendar_year_add(*, year: int, actor):
    """Add a year the chinese-calendar package does not know: weekends only (Saturday, Sunday off);
    the clerk then marks its holidays and swapped working days."""
    from supervision.choices import CalendarSource
    from supervision.models import CalendarDay, CalendarYear

    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError({"year": [_("The calendar already covers %(year)d.") % {"year": year}]})
    with change_context(actor=actor, message=_("Calendar year added (weekends only)")):
        CalendarYear(year=year, source=CalendarSource.WEEKENDS).save()
        first = datetime.date(year, 1, 1)
        days = []
        day = first
        while day.year == year:
            days.append(CalendarDay(day=day, working=day.weekday() < 5))
            day += datetime.timedelta(days=1)
        CalendarDay.objects.bulk_create(days)
