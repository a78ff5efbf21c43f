"""The daily supervision job (DESIGN §7): `run_supervision(on)` computes the proposals due on day
`on` and writes them, nothing else. `manage.py supervise [--date D]` calls it; the job queue will too.

- Idempotent: each proposal has a key (rule, organization or entry, clock start); a key already
  proposed, whatever became of the proposal, is not proposed again.
- Correct after missed days: every rule asks "has the time come by `on`?" of facts with dates, never
  "did it happen since the last run?", so a run for D after a gap proposes what the daily runs
  would have left open on D (a proposal overtaken in the gap, e.g. by a restarted clock, is not made).
- Proposals whose ground went away (the entry was removed, its clock restarted) are dismissed as
  superseded, with the reason said.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from core.context import change_context
from registry.choices import CreditGround, CreditList, OrgStatus, OrgType
from registry.models import AnnualReport, CreditListEntry, Organization
from supervision import clocks
from supervision.choices import ProposalKind, ProposalStatus
from supervision.models import ReportDeadline, SupervisionProposal


@dataclasses.dataclass
class SupervisionRun:
    on: datetime.date
    created: Counter = dataclasses.field(default_factory=Counter)
    superseded: int = 0
    uncovered_years: set[int] = dataclasses.field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.created.values())


def first_supervised_year() -> int:
    return getattr(settings, "SUPERVISION_FIRST_REPORT_YEAR", 2023)


def report_deadlines(years) -> dict[tuple[int, str], datetime.date]:
    """(year, org_type) → deadline: a type's own row, else the year's row, else 31 May of Y+1."""
    rows = {(row.year, row.org_type): row.deadline for row in ReportDeadline.objects.filter(year__in=list(years))}
    found = {}
    for year in years:
        for org_type in OrgType.values:
            found[(year, org_type)] = (
                rows.get((year, org_type)) or rows.get((year, None)) or clocks.default_report_deadline(year)
            )
    return found


def deadline_of(year: int, org_type: str) -> datetime.date:
    return report_deadlines([year])[(year, org_type)]


class _Proposals:
    def __init__(self, on: datetime.date, days: clocks.WorkingDays, run: SupervisionRun):
        self.on, self.days, self.run = on, days, run
        self.keys = set(SupervisionProposal.objects.values_list("key", flat=True))
        self.new: list[SupervisionProposal] = []

    def add(self, key: str, **values) -> None:
        if key in self.keys:
            return
        self.keys.add(key)
        self.new.append(SupervisionProposal(key=key, **values))
        self.run.created[values["kind"]] += 1


def _overdue_reports(props: _Proposals) -> None:
    """Art. 10 ground (一): no annual report filed by the deadline of its year."""
    on = props.on
    years = [year for year in range(first_supervised_year(), on.year)]
    deadlines = report_deadlines(years)
    for (year, org_type), deadline in sorted(deadlines.items()):
        if deadline >= on:
            continue
        filed = AnnualReport.objects.filter(
            organization=OuterRef("pk"), year=year, submitted_on__isnull=False, submitted_on__lte=deadline
        )
        owing = (
            Organization.objects.filter(org_type=org_type, registered_on__lte=datetime.date(year, 12, 31))
            .filter(Q(status=OrgStatus.ACTIVE) | Q(status_date__gte=deadline))
            .exclude(Exists(filed))
            .values_list("pk", flat=True)
        )
        due = clocks.listing_due(deadline, props.days)
        for org_id in owing.iterator(chunk_size=2000):
            props.add(
                f"list_abnormal:report_overdue:{org_id}:{year}",
                kind=ProposalKind.LIST_ABNORMAL,
                organization_id=org_id,
                ground=CreditGround.REPORT_OVERDUE,
                basis=clocks.ART_LIST_ABNORMAL,
                arises_on=deadline + clocks.ONE_DAY,
                due_on=due,
                report_year=year,
            )


def _report_year_of(entry: CreditListEntry, listed_years: dict[int, int]) -> int | None:
    """The report year an entry for `report_overdue` waits for: the proposal's that listed it, else
    the latest year whose default deadline had passed when its clock started."""
    if entry.pk in listed_years:
        return listed_years[entry.pk]
    start = entry.counted_from or entry.listed_on
    year = start.year - 1
    return year if clocks.default_report_deadline(year) < start else year - 1


def _abnormal_entries(props: _Proposals) -> None:
    on, days = props.on, props.days
    entries = list(
        CreditListEntry.objects.filter(list_kind=CreditList.ABNORMAL, removed_on__isnull=True, listed_on__lte=on)
    )
    listed_years = dict(
        SupervisionProposal.objects.filter(
            kind=ProposalKind.LIST_ABNORMAL, result_entry__in=[e.pk for e in entries], report_year__isnull=False
        ).values_list("result_entry_id", "report_year")
    )
    report_wanted = {
        entry.pk: (entry.organization_id, _report_year_of(entry, listed_years))
        for entry in entries
        if entry.ground == CreditGround.REPORT_OVERDUE
    }
    wanted = set(report_wanted.values())
    reports = {
        (report.organization_id, report.year): report
        for report in AnnualReport.objects.filter(
            organization_id__in={org for org, _year in wanted},
            year__in={year for _org, year in wanted},
            submitted_on__isnull=False,
            submitted_on__lte=on,
        )
        if (report.organization_id, report.year) in wanted
    }
    for entry in entries:
        start = entry.counted_from or entry.listed_on
        transfer = clocks.transfer_due(start)
        if transfer <= on:
            props.add(
                f"transfer_serious:{entry.pk}:{start}",
                kind=ProposalKind.TRANSFER_SERIOUS,
                organization_id=entry.organization_id,
                ground=CreditGround.ABNORMAL_TWO_YEARS,
                basis=clocks.ART_TRANSFER,
                arises_on=transfer,
                due_on=transfer,
                entry=entry,
                clock_from=start,
            )
        if entry.ground in clocks.NO_DUTY_GROUNDS:
            lapse = clocks.removal_due_without_duty(start)
            if lapse <= on:
                props.add(
                    f"remove_abnormal:{entry.pk}:{start}",
                    kind=ProposalKind.REMOVE_ABNORMAL,
                    organization_id=entry.organization_id,
                    ground=entry.ground,
                    basis=clocks.ART_REMOVE_NO_DUTY,
                    arises_on=lapse,
                    due_on=lapse,
                    entry=entry,
                    clock_from=start,
                )
        elif entry.pk in report_wanted:
            report = reports.get(report_wanted[entry.pk])
            if report is not None:
                verified = max(report.submitted_on, entry.listed_on)
                before = len(days.uncovered)
                due = clocks.removal_due_after_duty(verified, days)
                props.add(
                    f"remove_abnormal:{entry.pk}:{start}",
                    kind=ProposalKind.REMOVE_ABNORMAL,
                    organization_id=entry.organization_id,
                    ground=entry.ground,
                    basis=clocks.ART_REMOVE_DUTY,
                    arises_on=verified,
                    due_on=due,
                    entry=entry,
                    report=report,
                    report_year=report.year,
                    clock_from=start,
                    calendar_uncovered=len(days.uncovered) > before,
                )


def _serious_entries(props: _Proposals) -> None:
    on = props.on
    entries = list(
        CreditListEntry.objects.filter(
            list_kind=CreditList.SERIOUS, removed_on__isnull=True, listed_on__lte=on
        ).select_related("organization")
    )
    # Art. 17: after a transfer, the duty of the abnormal listing must be fulfilled too.
    origins = {
        origin.transferred_to_id: origin
        for origin in CreditListEntry.objects.filter(transferred_to__in=[e.pk for e in entries])
    }
    # Art. 16: the two years must pass with no ground for either list; an abnormal listing made while on
    # the serious list starts them again (a new serious ground moves `counted_from` itself).
    abnormal_since: dict[int, list[datetime.date]] = {}
    for organization_id, listed_on in CreditListEntry.objects.filter(
        list_kind=CreditList.ABNORMAL, organization_id__in={e.organization_id for e in entries}, listed_on__lte=on
    ).values_list("organization_id", "listed_on"):
        abnormal_since.setdefault(organization_id, []).append(listed_on)
    for entry in entries:
        start = entry.counted_from or entry.listed_on
        organization = entry.organization
        if entry.ground == CreditGround.REVOKED_OR_CANCELLED:
            if organization.status == OrgStatus.DEREGISTERED and organization.status_date <= on:
                due = clocks.serious_removal_due_on_deregistration(organization.status_date)
                props.add(
                    f"remove_serious:{entry.pk}:{start}",
                    kind=ProposalKind.REMOVE_SERIOUS,
                    organization_id=entry.organization_id,
                    ground=entry.ground,
                    basis=clocks.ART_REMOVE_SERIOUS_REVOKED,
                    arises_on=due,
                    due_on=due,
                    entry=entry,
                    clock_from=start,
                )
            continue
        duty_done = None
        basis = clocks.ART_REMOVE_SERIOUS
        origin = origins.get(entry.pk)
        if entry.ground == CreditGround.ABNORMAL_TWO_YEARS and origin is not None:
            basis = clocks.ART_REMOVE_SERIOUS_DUTY
            if origin.ground == CreditGround.REPORT_OVERDUE:
                year = _report_year_of(origin, {})
                duty_done = (
                    AnnualReport.objects.filter(
                        organization_id=origin.organization_id, year=year, submitted_on__isnull=False
                    )
                    .values_list("submitted_on", flat=True)
                    .first()
                )
                if duty_done is None:
                    continue
        window = max([start, *(d for d in abnormal_since.get(entry.organization_id, ()) if d > start)])
        due = clocks.serious_removal_due(window, duty_done)
        if due <= on:
            props.add(
                f"remove_serious:{entry.pk}:{window}",
                kind=ProposalKind.REMOVE_SERIOUS,
                organization_id=entry.organization_id,
                ground=entry.ground,
                basis=basis,
                arises_on=due,
                due_on=due,
                entry=entry,
                clock_from=start,
            )


def _supersede(run: SupervisionRun) -> None:
    """Dismiss open proposals about an entry whose listing ended or whose clock restarted."""
    stale = [
        proposal
        for proposal in SupervisionProposal.objects.filter(status=ProposalStatus.OPEN, entry__isnull=False)
        .select_related("entry")
        .only("id", "clock_from", "status", "dismiss_reason", "entry__removed_on", "entry__counted_from")
        if proposal.entry.removed_on is not None or proposal.entry.counted_from != proposal.clock_from
    ]
    for proposal in stale:
        proposal.status = ProposalStatus.DISMISSED
        proposal.dismiss_reason = _("Superseded: the listing ended or its clock restarted.")
        proposal.save(update_fields=["status", "dismiss_reason", "last_updated"])
    run.superseded = len(stale)


def run_supervision(on: datetime.date) -> SupervisionRun:
    """Compute and write the proposals of day `on` (see the module's docstring)."""
    run = SupervisionRun(on=on)
    days = clocks.WorkingDays()
    with transaction.atomic(), change_context(actor=None, message=_("Daily supervision job of %(day)s") % {"day": on}):
        _supersede(run)
        props = _Proposals(on, days, run)
        _overdue_reports(props)
        _abnormal_entries(props)
        _serious_entries(props)
        # The history names each proposal (its __str__ shows the organization): one query for all.
        names = Organization.objects.only("id", "name", "registered_by").in_bulk(
            {proposal.organization_id for proposal in props.new}
        )
        for proposal in props.new:
            proposal.organization = names[proposal.organization_id]
        SupervisionProposal.objects.bulk_create(props.new, batch_size=1000)
    run.uncovered_years = set(days.uncovered)
    return run
