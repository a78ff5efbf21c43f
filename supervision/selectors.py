"""Reads of supervision that the API, the admin, the registry (through its hook) and the statistics share."""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone

from registry.choices import CreditList, OrgStatus, OrgType
from registry.models import AnnualReport, CreditListEntry, Organization
from registry.models import credit as credit_models
from supervision.choices import ProposalKind, ProposalStatus
from supervision.models import SupervisionProposal

REMOVALS = (ProposalKind.REMOVE_ABNORMAL, ProposalKind.REMOVE_SERIOUS)


def removal_due_expression():
    """For a credit-list entry: the due date of its open removal proposal, if any (registry's hook)."""
    open_removal = SupervisionProposal.objects.filter(
        entry=OuterRef("pk"), status=ProposalStatus.OPEN, kind__in=REMOVALS
    ).order_by("due_on")
    return Subquery(open_removal.values("due_on")[:1])


def overdue_condition(on: datetime.date) -> Q:
    """Open and past its due date on `on`."""
    return Q(status=ProposalStatus.OPEN, due_on__lt=on)


def with_overdue(queryset: QuerySet, on: datetime.date | None = None) -> QuerySet:
    """Annotate proposals with `overdue` (idempotent, so any filter set may apply it)."""
    if "overdue" in queryset.query.annotations:
        return queryset
    day = on or timezone.localdate()
    return queryset.annotate(
        overdue=Case(When(overdue_condition(day), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def reports_owed(year: int, on: datetime.date | None = None, district: str | None = None) -> dict[str, int]:
    """Reports for `year`: due (organizations that owe one), filed, overdue (owed, deadline passed on
    `on`, not filed by it), as DESIGN §7 counts them."""
    from supervision.jobs import report_deadlines

    day = on or timezone.localdate()
    deadlines = report_deadlines([year])
    due = filed = overdue = 0
    for org_type in OrgType.values:
        deadline = deadlines[(year, org_type)]
        owing = Organization.objects.filter(
            Q(status=OrgStatus.ACTIVE) | Q(status_date__gte=deadline),
            org_type=org_type,
            registered_on__lte=datetime.date(year, 12, 31),
        )
        if district:
            owing = owing.filter(registered_by_id=district)
        filed_reports = AnnualReport.objects.filter(
            organization__in=owing, year=year, submitted_on__isnull=False, submitted_on__lte=day
        )
        due += owing.count()
        filed += filed_reports.count()
        if deadline < day:
            overdue += owing.exclude(
                pk__in=AnnualReport.objects.filter(
                    year=year, submitted_on__isnull=False, submitted_on__lte=deadline
                ).values("organization_id")
            ).count()
    return {"due": due, "filed": filed, "overdue": overdue}


def supervision_figures(on: datetime.date, district: str | None = None) -> dict:
    """The `supervision` block of `stats/`: the reports of the last year whose deadline falls in
    `on`'s year, the entries on each list on `on`, and the proposals open and overdue."""
    year = on.year - 1
    entries = CreditListEntry.objects.filter(credit_models.in_force_on(on))
    proposals = SupervisionProposal.objects.filter(status=ProposalStatus.OPEN, arises_on__lte=on)
    if district:
        entries = entries.filter(organization__registered_by_id=district)
        proposals = proposals.filter(organization__registered_by_id=district)
    on_lists = dict(entries.values_list("list_kind").annotate(n=Count("id")).order_by())
    open_counts = proposals.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=on)))
    return {
        "report_year": year,
        "reports": reports_owed(year, on, district),
        "abnormal_list": on_lists.get(CreditList.ABNORMAL, 0),
        "serious_list": on_lists.get(CreditList.SERIOUS, 0),
        "proposals": {"open": open_counts["open"], "overdue": open_counts["overdue"]},
    }


def overdue_reporters(year: int, on: datetime.date) -> QuerySet:
    """Organizations that owe the report for `year` and had not filed it by its deadline, when that
    deadline has passed on `on` (none before)."""
    from supervision.jobs import report_deadlines
    from supervision.models import OverdueReporter

    deadlines = report_deadlines([year])
    condition = Q(pk__in=[])
    for org_type in OrgType.values:
        deadline = deadlines[(year, org_type)]
        if deadline >= on:
            continue
        filed = AnnualReport.objects.filter(
            organization=OuterRef("pk"), year=year, submitted_on__isnull=False, submitted_on__lte=deadline
        )
        condition |= (
            Q(org_type=org_type, registered_on__lte=datetime.date(year, 12, 31))
            & (Q(status=OrgStatus.ACTIVE) | Q(status_date__gte=deadline))
            & ~Q(Exists(filed))
        )
    return OverdueReporter.objects.filter(condition)
