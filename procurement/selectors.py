"""Reads of procurement that more than one door uses: the project list with its cap, and the totals."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, When
from django.utils import timezone

from procurement.choices import CAPPED_FUNDING_SOURCES, PURCHASED_STATUSES, FundingSource
from procurement.models import Department, ProjectCap, PurchasedServiceProject
from procurement.rules import last_four_years

ZERO = Decimal("0.00")


def with_cap(queryset: QuerySet) -> QuerySet:
    """Annotate each project with `cap`, the per-project cap of its year, inside the same query; null for
    a project the cap does not bind (not paid from the city's special fund)."""
    cap = (
        ProjectCap.objects.filter(effective_from__year__lte=OuterRef("year"))
        .order_by("-effective_from")
        .values("amount")[:1]
    )
    amount = DecimalField(max_digits=14, decimal_places=2)
    return queryset.annotate(
        cap=Case(
            When(funding_source__in=CAPPED_FUNDING_SOURCES, then=Subquery(cap, output_field=amount)),
            default=None,
            output_field=amount,
        )
    )


def project_list() -> QuerySet:
    """Projects with everything a list row shows, in a constant number of queries."""
    return with_cap(PurchasedServiceProject.objects.select_related("purchaser", "provider", "demand_response"))


def purchased(queryset: QuerySet | None = None) -> QuerySet:
    """The projects the city has bought (awarded or delivered): what the totals count."""
    queryset = PurchasedServiceProject.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=PURCHASED_STATUSES)


@dataclasses.dataclass
class Total:
    projects: int = 0
    amount: Decimal = ZERO

    def add(self, projects: int, amount: Decimal | None) -> None:
        self.projects += projects
        self.amount += amount or ZERO

    def as_dict(self) -> dict:
        return {"projects": self.projects, "amount": self.amount}


def procurement_totals(
    *,
    as_of: datetime.date | None = None,
    year_from: int | None = None,
    year_until: int | None = None,
    department: Department | None = None,
    funding_source: FundingSource | str | None = None,
) -> dict:
    """Number and amount of purchased projects per year, per department and in all, for a range of
    years: by default the "近四年" of `as_of` (today when not given), as the statistics count them
    (`procurement.rules.last_four_years`: 2019–2022 for the reply's date).

    Every year of the range appears, with zeros when nothing was bought, so the yearly figures add
    up to the total; departments appear when they bought something in the range. One query.
    """
    window = last_four_years(as_of or timezone.localdate())
    year_from = window[0] if year_from is None else year_from
    year_until = window[-1] if year_until is None else year_until
    years = range(year_from, year_until + 1)
    rows = (
        purchased()
        .filter(year__gte=year_from, year__lte=year_until)
        .filter(**({"purchaser": department} if department is not None else {}))
        .filter(**({"funding_source": funding_source} if funding_source else {}))
        .values("purchaser_id", "purchaser__name", "year")
        .annotate(projects=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    by_year = {year: Total() for year in years}
    by_department: dict[int, dict] = {}
    total = Total()
    for row in rows:
        by_year[row["year"]].add(row["projects"], row["amount"])
        total.add(row["projects"], row["amount"])
        entry = by_department.setdefault(
            row["purchaser_id"],
            {"name": row["purchaser__name"], "total": Total(), "by_year": {year: Total() for year in years}},
        )
        entry["total"].add(row["projects"], row["amount"])
        entry["by_year"][row["year"]].add(row["projects"], row["amount"])
    departments = sorted(by_department.items(), key=lambda item: (-item[1]["total"].amount, item[1]["name"]))
    return {
        "year_from": year_from,
        "year_until": year_until,
        "department": department.pk if department is not None else None,
        "funding_source": str(funding_source) if funding_source else None,
        "counted_statuses": [str(status) for status in PURCHASED_STATUSES],
        "by_year": [{"year": year, **by_year[year].as_dict()} for year in years],
        "by_department": [
            {
                "department": pk,
                "name": entry["name"],
                **entry["total"].as_dict(),
                "by_year": [{"year": year, **entry["by_year"][year].as_dict()} for year in years],
            }
            for pk, entry in departments
        ],
        "total": total.as_dict(),
    }
