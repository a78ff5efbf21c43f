"""The registry's statistics on a date, within a district or the whole city (DESIGN §4): the counting
rules.

Each section is one function `(as_of, district) -> dict` computed with a few aggregate queries; the
statistics are their union. A published figure's `key` is its path in that union (`value_at`), so the
registry's value for any published figure is found by the same name on the figure's own reference date
(reports/published.py). The dashboard's tables by district and year are in reports/dashboard.py."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.choices import ChangeAction
from core.models import ChangeRecord
from platforms.choices import FundingSource, PlatformKind, PlatformLevel
from platforms.models import PlatformFunding
from platforms.selectors import (
    in_district,
    platform_counts,
    platforms_open_on,
    township_coverage,
)
from procurement.choices import CITY_FIGURE_FUNDING_SOURCES
from procurement.choices import FundingSource as ProjectFundingSource
from procurement.models import ProjectCap, TransferredFunction
from procurement.rules import last_four_years
from procurement.selectors import purchased
from ratings.choices import ORGANIZATION_HONOURS, PURCHASE_PRIORITY_MIN_GRADE, Grade, HonourKind
from ratings.models import Evaluation, Honour
from registry.choices import DivisionLevel, FilingStatus, OrgStatus, OrgType, RegistrationLevel
from registry.models import CommunityOrganization, Division, Organization, PartyOrganization
from registry.models.party import in_force_on as party_in_force_on
from supervision import selectors as supervision_selectors


def organizations_counting_on(as_of: datetime.date, district: str | None = None) -> QuerySet[Organization]:
    """Organizations registered on or before `as_of` and not deregistered or revoked on or before it.

    With `district`, those the district registers (city-registered ones belong to no district).
    """
    queryset = Organization.objects.filter(registered_on__lte=as_of).filter(
        Q(status=OrgStatus.ACTIVE) | Q(status_date__gt=as_of)
    )
    if district:
        queryset = queryset.filter(registered_by_id=district)
    return queryset


def _by_type(counts: dict, prefix: str) -> dict[str, int]:
    return {org_type: counts[f"{prefix}{org_type}"] for org_type in OrgType.values}


def organization_figures(as_of: datetime.date, district: str | None) -> dict:
    """Totals by type, the city-level part, and the community development foundations."""
    aggregates = {"total": Count("pk")}
    city = Q(registration_level=RegistrationLevel.CITY)
    for org_type in OrgType.values:
        aggregates[f"type_{org_type}"] = Count("pk", filter=Q(org_type=org_type))
        aggregates[f"city_{org_type}"] = Count("pk", filter=city & Q(org_type=org_type))
    aggregates["city_total"] = Count("pk", filter=city)
    # The database refuses the flag on other types; the type is asked too so no other type is ever counted.
    foundation = Q(is_community_foundation=True, org_type=OrgType.FOUNDATION)
    aggregates["community_foundations"] = Count("pk", filter=foundation)
    aggregates["foundation_districts"] = Count("domicile", filter=foundation, distinct=True)
    counts = organizations_counting_on(as_of, district).aggregate(**aggregates)
    return {
        "total": counts["total"],
        "by_type": _by_type(counts, "type_"),
        "city_level": {"total": counts["city_total"], "by_type": _by_type(counts, "city_")},
        "community_foundations": counts["community_foundations"],
        "districts_with_community_foundation": counts["foundation_districts"],
    }


def filings_counting_on(as_of: datetime.date, district: str | None = None) -> QuerySet[CommunityOrganization]:
    """Filings made on or before `as_of` and not cancelled on or before it (in the district's townships)."""
    queryset = CommunityOrganization.objects.filter(filed_on__lte=as_of).filter(
        Q(status=FilingStatus.FILED) | Q(status_date__gt=as_of)
    )
    if district:
        queryset = queryset.filter(district_id=district)
    return queryset


def communities(district: str | None = None) -> QuerySet[Division]:
    """Every community of the division tree (of the district, when given): the per-community averages'
    denominators (docs/decisions/0062-per-community-averages.md)."""
    queryset = Division.objects.filter(level=DivisionLevel.COMMUNITY)
    if district:
        queryset = queryset.filter(parent__parent_id=district)
    return queryset


def _ratio(part: int, whole: int, places: int) -> float | None:
    return round(part / whole, places) if whole else None


def active_flags_on(as_of: datetime.date, filings: QuerySet[CommunityOrganization]) -> dict[int, tuple[bool, bool]]:
    """The filings of `filings` whose `active` flag changed after `as_of`, each with (its flag then, its
    flag now), read from the change history (docs/decisions/0062): the flag on the day is what the
    first change after it found, or, for a filing entered into the registry after the day, the flag it
    was entered with. Filings not in the result have had today's flag since before the day."""
    if as_of >= timezone.localdate():
        return {}
    after = timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))
    current = CommunityOrganization.objects.filter(pk=OuterRef("object_id")).values("active")
    records = (
        ChangeRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(CommunityOrganization),
            time__gte=after,
            changes__has_key="active",
            object_id__in=filings.values("pk"),
        )
        .annotate(active_now=Subquery(current))
        .order_by("object_id", "time", "id")
        .values_list("object_id", "action", "changes__active", "active_now")
    )
    flags: dict[int, tuple[bool, bool]] = {}
    for object_id, action, (before, entered), now in records.iterator():
        if object_id not in flags:
            flags[object_id] = (bool(entered if action == ChangeAction.CREATE else before), bool(now))
    return flags


def community_organization_figures(as_of: datetime.date, district: str | None) -> dict:
    """Filings urban and rural (township-level filings without a community by the flag given with them,
    and also on a line of their own), per community of each kind, and the share active on the day."""
    counting = filings_counting_on(as_of, district)
    counts = counting.aggregate(
        total=Count("pk"),
        n_urban=Count("pk", filter=Q(urban=True)),
        n_rural=Count("pk", filter=Q(urban=False)),
        n_active=Count("pk", filter=Q(active=True)),
        # Filed at township level, without a community (DESIGN §9): counted above by their own urban flag.
        n_township_level=Count("pk", filter=Q(community__isnull=True)),
    )
    # Today's flags, corrected for the filings whose flag changed after the day.
    for then, now in active_flags_on(as_of, counting).values():
        counts["n_active"] += int(then) - int(now)
    kinds = communities(district).aggregate(
        n_urban=Count("pk", filter=Q(urban=True)), n_rural=Count("pk", filter=Q(urban=False))
    )
    return {
        "total": counts["total"],
        "urban": counts["n_urban"],
        "rural": counts["n_rural"],
        "township_level": counts["n_township_level"],
        "urban_communities": kinds["n_urban"],
        "rural_communities": kinds["n_rural"],
        "per_urban_community": _ratio(counts["n_urban"], kinds["n_urban"], 1),
        "per_rural_community": _ratio(counts["n_rural"], kinds["n_rural"], 1),
        "active": counts["n_active"],
        "active_rate": _ratio(counts["n_active"], counts["total"], 4),
    }


def rating_figures(as_of: datetime.date, district: str | None) -> dict:
    """Organizations that count on `as_of`, by their current grade on it (DESIGN §2 rule)."""
    counting = organizations_counting_on(as_of, district).values("pk")
    rows = (
        Evaluation.objects.valid_on(as_of)
        .filter(organization__in=counting)
        .order_by()
        .values("grade")
        .annotate(n=Count("organization", distinct=True))
    )
    by_grade = {str(grade): 0 for grade in sorted(Grade.values, reverse=True)}
    for row in rows:
        by_grade[str(row["grade"])] = row["n"]
    return {
        "rated": sum(by_grade.values()),
        "rated_3a_plus": sum(by_grade[str(grade)] for grade in Grade.values if grade >= PURCHASE_PRIORITY_MIN_GRADE),
        "by_grade": by_grade,
    }


def honour_figures(as_of: datetime.date, district: str | None) -> dict:
    """Honours conferred in or before the year of `as_of` (only the year is recorded) and not withdrawn
    on or before it: organizations honoured (distinct, among those that count on the date), and persons
    and other honours by number. With `district`, honours of organizations it registers."""
    honours = Honour.objects.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of), year__lte=as_of.year)
    if district:
        honours = honours.filter(organization__registered_by_id=district)
    counting = organizations_counting_on(as_of, district).values("pk")
    figures = {}
    for kind in HonourKind.values:
        of_kind = honours.filter(kind=kind)
        if kind in ORGANIZATION_HONOURS:
            figures[kind] = of_kind.filter(organization__in=counting).values("organization").distinct().count()
        else:
            figures[kind] = of_kind.count()
    return figures


def party_figures(as_of: datetime.date, district: str | None) -> dict:
    """Party organizations in being on `as_of`; with a district, those covering an organization it registers."""
    in_being = PartyOrganization.objects.filter(party_in_force_on(as_of))
    if district:
        covering = PartyOrganization.organizations.through.objects.filter(
            organization__registered_by_id=district
        ).values("partyorganization_id")
        in_being = in_being.filter(pk__in=covering)
    held = Q(committee__isnull=False)
    totals = in_being.aggregate(
        n_party=Count("pk"),
        n_members=Coalesce(Sum("member_count"), 0),
        n_committee=Count("pk", filter=held),
        n_committee_members=Coalesce(Sum("member_count", filter=held), 0),
    )
    counting = organizations_counting_on(as_of, district)
    by_level = {}
    for level in RegistrationLevel.values:
        of_level = in_being.filter(committee__level=level)
        level_totals = of_level.aggregate(n=Count("pk"), members=Coalesce(Sum("member_count"), 0))
        by_level[level] = {
            "organizations": counting.filter(party_organizations__in=of_level).values("pk").distinct().count(),
            "party_organizations": level_totals["n"],
            "members": level_totals["members"],
        }
    covered = counting.filter(party_organizations__in=in_being.filter(held))
    return {
        "party_organizations": totals["n_party"],
        "members": totals["n_members"],
        # "市、县两级…综合党委，兜底社会组织162家，建立党组织88个，管理党员269名": both levels together, and
        # each level (the city's committee; the districts' and counties' together).
        "comprehensive_committee": {
            "organizations": covered.values("pk").distinct().count(),
            "party_organizations": totals["n_committee"],
            "members": totals["n_committee_members"],
            "by_level": by_level,
        },
    }


def _yuan(amount) -> str:
    """An amount of money as the API gives it: a string with two decimals."""
    return f"{Decimal(amount or 0).quantize(Decimal('0.01'))}"


def platform_figures(as_of: datetime.date, district: str | None) -> dict:
    """Platforms open on `as_of` by kind and level, standardised township centres, townships without a
    township platform (the 156 townships and streets), functional zones apart, and the city's
    welfare-lottery funds for platforms in the year of `as_of`."""
    open_platforms = platforms_open_on(as_of, district)
    by_level = dict.fromkeys(PlatformLevel.values, 0)
    for row in open_platforms.order_by().values("level").annotate(n=Count("pk")):
        by_level[row["level"]] = row["n"]
    coverage = township_coverage(as_of, district)
    lottery = in_district(
        PlatformFunding.objects.filter(year=as_of.year, source=FundingSource.CITY_WELFARE_LOTTERY),
        district,
        prefix="platform__",
    ).aggregate(amount=Sum("amount"))["amount"]
    return {
        **platform_counts(as_of, district),
        "by_level": by_level,
        "city_innovation_parks": open_platforms.filter(
            level=PlatformLevel.CITY, kind=PlatformKind.INNOVATION_PARK
        ).count(),
        "townships": sum(row.townships for row in coverage),
        "townships_without_platform": sum(len(row.uncovered) for row in coverage),
        "zones": sum(row.zones for row in coverage),
        "zones_with_platform": sum(row.zones_with_platform for row in coverage),
        "welfare_lottery_city": _yuan(lottery),
    }


def procurement_figures(as_of: datetime.date, district: str | None) -> dict:
    """Purchased-service projects of the last four years (per year and in all), the per-project cap in
    force on `as_of`, and the catalogue of transferred functions.

    What the four-year figures count (docs/decisions/0150-caps-bind-the-city-special-fund.md): for
    the city, the projects paid from the city special fund (the reply's "303个、6289.25万元"); for a
    district, the projects its departments purchased, whoever provided them (decision 0053: the
    purchaser decides). `by_funding_source` shows every source over the same years and scope.
    """
    years = last_four_years(as_of)
    in_window = purchased().filter(year__in=list(years))
    if district:
        in_window = in_window.filter(purchaser__division_id=district)
        projects = in_window
    else:
        projects = in_window.filter(funding_source__in=CITY_FIGURE_FUNDING_SOURCES)
    by_source = {source: {"projects": 0, "amount": "0.00"} for source in ProjectFundingSource.values}
    for row in in_window.order_by().values("funding_source").annotate(n=Count("pk"), amount=Sum("amount")):
        by_source[row["funding_source"]] = {"projects": row["n"], "amount": _yuan(row["amount"])}
    by_year = {str(year): {"projects": 0, "amount": Decimal("0")} for year in years}
    for row in projects.order_by().values("year").annotate(n=Count("pk"), amount=Sum("amount")):
        by_year[str(row["year"])] = {"projects": row["n"], "amount": Decimal(row["amount"] or 0)}
    first, last = by_year[str(years[0])]["amount"], by_year[str(years[-1])]["amount"]
    cap = ProjectCap.objects.filter(effective_from__lte=as_of).order_by("-effective_from").first()
    functions = TransferredFunction.objects.all()
    if district:
        functions = functions.filter(department__division_id=district)
    function_counts = functions.aggregate(items=Count("pk"), batches=Count("batch", distinct=True))
    return {
        "last_four_years": {
            "years": f"{years[0]}–{years[-1]}",
            "counts": "district_purchases" if district else "city_special_fund",
            "projects": sum(entry["projects"] for entry in by_year.values()),
            "amount": _yuan(sum(entry["amount"] for entry in by_year.values())),
            "growth": round(float((last - first) / first), 4) if first else None,
        },
        "by_year": {year: {"projects": e["projects"], "amount": _yuan(e["amount"])} for year, e in by_year.items()},
        "by_funding_source": by_source,
        "project_cap": _yuan(cap.amount) if cap is not None else None,
        "transferred_functions": function_counts,
    }


# Sections of the statistics in the order of the response; each appears once its app has models.
SECTIONS: dict[str, Callable[[datetime.date, str | None], dict]] = {
    "organizations": organization_figures,
    "community_organizations": community_organization_figures,
    "ratings": rating_figures,
    "honours": honour_figures,
    "party": party_figures,
    "platforms": platform_figures,
    "procurement": procurement_figures,
    "supervision": supervision_selectors.supervision_figures,
}


def statistics(as_of: datetime.date, district: str | None = None, sections: Iterable[str] | None = None) -> dict:
    """The contract shape of `GET stats/` (DESIGN §4): every section, or those named."""
    names = list(SECTIONS) if sections is None else [name for name in SECTIONS if name in set(sections)]
    result: dict = {"as_of": as_of.isoformat(), "district": district}
    for name in names:
        result[name] = SECTIONS[name](as_of, district)
    return result


def value_at(data: dict, key: str):
    """The value at a dotted path (`organizations.by_type.foundation`), or None when absent."""
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if not isinstance(node, dict) else None
