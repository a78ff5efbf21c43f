"""Reads of the registry that other apps and the API share: annual reports, credit lists, party coverage.

Each comes in two forms: for one organization (simple, one query) and for a set or a queryset (one
query for the whole set, or an annotation), so lists stay at a constant number of queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import DateField, Exists, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.utils import timezone

from registry.choices import CreditList, DivisionLevel
from registry.models import AnnualReport, CreditListEntry, Division, Organization, PartyOrganization
from registry.models import credit as credit_models
from registry.models import party as party_models

# Name of the attribute that `organizations_with_registry_facts` prefetches the current listings into.
CURRENT_CREDIT_ENTRIES = "current_credit_entries"


def _day(on_date: datetime.date | None) -> datetime.date:
    return on_date or timezone.localdate()


# Annual work reports


def _latest_annual_report(field: str) -> Subquery:
    newest = AnnualReport.objects.filter(organization=OuterRef("pk")).order_by("-year").values(field)[:1]
    return Subquery(newest)


def latest_annual_reports(org_ids: Iterable[int]) -> dict[int, AnnualReport]:
    """The newest annual report (highest year) of each organization that has one, in one query."""
    newest_year = (
        AnnualReport.objects.filter(organization=OuterRef("organization")).order_by("-year").values("year")[:1]
    )
    rows = AnnualReport.objects.filter(organization_id__in=list(org_ids), year=Subquery(newest_year))
    return {report.organization_id: report for report in rows}


def report_result(organization: Organization | int, year: int) -> str | None:
    """The result (a `ReportResult` value, "" while not reviewed) of the organization's annual report
    for `year`, or None when none is recorded."""
    org_id = getattr(organization, "pk", organization)
    return AnnualReport.objects.filter(organization_id=org_id, year=year).values_list("result", flat=True).first()


def report_results(org_ids: Iterable[int], year: int) -> dict[int, str]:
    """`report_result` for many organizations in one query (absent when none is recorded)."""
    rows = AnnualReport.objects.filter(organization_id__in=list(org_ids), year=year)
    return dict(rows.values_list("organization_id", "result"))


def with_latest_annual_report(queryset: QuerySet) -> QuerySet:
    """Annotate organizations with `latest_report_year` and `latest_report_result`."""
    return queryset.annotate(
        latest_report_year=_latest_annual_report("year"), latest_report_result=_latest_annual_report("result")
    )


# Credit lists

# When an entry's removal is due is computed above the registry (the supervision app's proposals);
# it registers the expression here, so the registry shows the date without importing it.
_removal_due: list = []


def register_removal_due(expression_factory) -> None:
    """Hook for a higher app: `expression_factory()` gives a date expression over a credit-list entry."""
    _removal_due[:] = [expression_factory]


def with_removal_due(queryset: QuerySet) -> QuerySet:
    """Annotate credit-list entries with `removal_due_on` (null when no removal is due)."""
    if not _removal_due:
        return queryset.annotate(removal_due_on=Value(None, output_field=DateField()))
    return queryset.annotate(removal_due_on=_removal_due[0]())


def listed_exists(kinds: Iterable[str] | None = None, on_date: datetime.date | None = None) -> Exists:
    """For an organization queryset: whether it is on one of the lists (any when `kinds` is None) on the day."""
    entries = CreditListEntry.objects.filter(credit_models.in_force_on(_day(on_date)), organization=OuterRef("pk"))
    if kinds is not None:
        entries = entries.filter(list_kind__in=list(kinds))
    return Exists(entries)


def current_listings(org_ids: Iterable[int], on_date: datetime.date | None = None) -> dict[int, list[CreditListEntry]]:
    """The entries in force on the day for each listed organization, in one query."""
    entries = CreditListEntry.objects.filter(
        credit_models.in_force_on(_day(on_date)), organization_id__in=list(org_ids)
    ).order_by("listed_on", "id")
    listings: dict[int, list[CreditListEntry]] = defaultdict(list)
    for entry in entries:
        listings[entry.organization_id].append(entry)
    return dict(listings)


def on_credit_list(organization: Organization | int, kind: str, on_date: datetime.date | None = None) -> bool:
    org_id = getattr(organization, "pk", organization)
    return CreditListEntry.objects.filter(
        credit_models.in_force_on(_day(on_date)), organization_id=org_id, list_kind=kind
    ).exists()


def on_serious_violation_list(organization: Organization | int, on_date: datetime.date | None = None) -> bool:
    """Whether the organization is on the serious-violation list (严重违法失信名单) on the day."""
    return on_credit_list(organization, CreditList.SERIOUS, on_date)


def on_abnormal_activity_list(organization: Organization | int, on_date: datetime.date | None = None) -> bool:
    """Whether the organization is on the abnormal-activity list (活动异常名录) on the day."""
    return on_credit_list(organization, CreditList.ABNORMAL, on_date)


# Party organizations


def party_org_exists(on_date: datetime.date | None = None) -> Exists:
    """For an organization queryset: whether a party organization in being on the day covers it."""
    covering = PartyOrganization.objects.filter(party_models.in_force_on(_day(on_date)), organizations=OuterRef("pk"))
    return Exists(covering)


def party_org_covering(on_date: datetime.date | None = None) -> Subquery:
    """For an organization queryset: the id of a party organization in being on the day that covers
    it, or None. A scalar subquery, which PostgreSQL runs for the page's rows only; `party_org_exists`
    in a list's SELECT may be planned as a hash of every party link (10 ms a page at scale 20). Unordered:
    the model's ordering made PostgreSQL sort each row's (mostly empty) set, 0.1 ms a row, 7 of the 9 ms
    of a filtered page's query at scale 1; which covering party organization it names is not said."""
    covering = PartyOrganization.objects.filter(party_models.in_force_on(_day(on_date)), organizations=OuterRef("pk"))
    return Subquery(covering.order_by().values("pk")[:1])


def has_party_organization(organization: Organization | int, on_date: datetime.date | None = None) -> bool:
    org_id = getattr(organization, "pk", organization)
    return PartyOrganization.objects.filter(party_models.in_force_on(_day(on_date)), organizations=org_id).exists()


# All of it for an organization list


def organizations_with_registry_facts(queryset: QuerySet, on_date: datetime.date | None = None) -> QuerySet:
    """Organizations with `party_org`, the latest annual report and the current credit listings, at a
    cost of one query per page (the listings) whatever the page size."""
    day = _day(on_date)
    current = CreditListEntry.objects.filter(credit_models.in_force_on(day)).order_by("listed_on", "id")
    return (
        with_latest_annual_report(queryset)
        .annotate(party_org=party_org_covering(day))
        .prefetch_related(Prefetch("credit_list_entries", queryset=current, to_attr=CURRENT_CREDIT_ENTRIES))
    )


def current_district_codes() -> set[str]:
    """Codes of the districts in force (historical codes such as 330204 excluded); core checks a
    district system's binding against them (settings.REGISTRY_CURRENT_DISTRICT_CODES)."""
    current = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True)
    return set(current.values_list("code", flat=True))


def current_township_codes() -> set[str]:
    """Codes of the townships, streets and functional zones in force; core checks a township filing
    desk's binding against them (settings.REGISTRY_CURRENT_TOWNSHIP_CODES, DESIGN §9)."""
    current = Division.objects.filter(level=DivisionLevel.TOWNSHIP, successor__isnull=True)
    return set(current.values_list("code", flat=True))
