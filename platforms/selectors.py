"""Reads of the platform network: the annotated list, platforms open on a date, standardised
township centres, coverage of townships and funding totals. The API, the admin, exports and the
statistics (reports) use these, so every door counts the same way."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from platforms.choices import STANDARDISATION_STANDARD, AssessmentResult, PlatformKind, PlatformLevel
from platforms.models import FilingSupport, Platform, PlatformFunding, PlatformRating, StandardisationAssessment
from registry.choices import DivisionKind, DivisionLevel, FilingStatus
from registry.models import CommunityOrganization, Division


def _latest_assessments(on_date: datetime.date | None) -> QuerySet:
    assessments = StandardisationAssessment.objects.filter(platform=OuterRef("pk"), standard=STANDARDISATION_STANDARD)
    if on_date is not None:
        assessments = assessments.filter(assessed_on__lte=on_date)
    return assessments.order_by("-assessed_on", "-id")


def latest_assessment_result(on_date: datetime.date | None = None) -> Coalesce:
    """The result of a platform's latest assessment against the standard, on or before `on_date`
    when given; "" when it has none (never NULL, so comparisons are plain true or false)."""
    return Coalesce(Subquery(_latest_assessments(on_date).values("result")[:1]), Value(""), output_field=CharField())


def standardized_platforms(queryset: QuerySet, *, on_date: datetime.date | None = None, value: bool = True):
    """The platforms of `queryset` whose latest assessment (on or before `on_date`) passed, or, with
    `value=False`, those whose latest failed or that have none."""
    queryset = queryset.alias(_latest_assessment_result=latest_assessment_result(on_date))
    condition = Q(_latest_assessment_result=AssessmentResult.PASSED)
    return queryset.filter(condition) if value else queryset.exclude(condition)


def platform_list(queryset: QuerySet | None = None) -> QuerySet:
    """Platforms with what a list shows, in two queries whatever the page size: division and operator
    joined; the latest assessment (`standardized`) and the latest rating annotated; the served
    townships prefetched (one query for the whole page, in code order)."""
    queryset = Platform.objects.all() if queryset is None else queryset
    latest = _latest_assessments(None)
    ratings = PlatformRating.objects.filter(platform=OuterRef("pk")).order_by("-year")
    return (
        queryset.select_related("division", "operator")
        .prefetch_related(Prefetch("served_townships", queryset=Division.objects.order_by("code")))
        .annotate(
            latest_assessment_result=Subquery(latest.values("result")[:1]),
            latest_assessment_on=Subquery(latest.values("assessed_on")[:1]),
            latest_rating=Subquery(ratings.values("grade")[:1]),
            latest_rating_year=Subquery(ratings.values("year")[:1]),
        )
        .annotate(
            standardized=Case(
                When(latest_assessment_result=AssessmentResult.PASSED, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def in_district(queryset: QuerySet, district: str | None, *, prefix: str = "") -> QuerySet:
    """Records of platforms in a district: on the district itself or on one of its townships."""
    if not district:
        return queryset
    return queryset.filter(Q(**{f"{prefix}division_id": district}) | Q(**{f"{prefix}division__parent_id": district}))


def open_on_condition(on_date: datetime.date, *, prefix: str = "") -> Q:
    """Open on a date: opened on or before it, and not closed on or before it."""
    return Q(**{f"{prefix}opened_on__lte": on_date}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": on_date})
    )


def platforms_open_on(on_date: datetime.date, district: str | None = None) -> QuerySet:
    """Platforms (every kind, every level) open on `on_date`, in `district` (code) when given."""
    return in_district(Platform.objects.filter(open_on_condition(on_date)), district)


def township_centres_open_on(on_date: datetime.date, district: str | None = None) -> QuerySet:
    """Township-level party-mass service centres (镇街社会组织党群服务中心) open on `on_date`."""
    return platforms_open_on(on_date, district).filter(level=PlatformLevel.TOWNSHIP, party_service_centre=True)


def standardized_township_centres(on_date: datetime.date, district: str | None = None) -> int:
    """How many township party-mass service centres open on `on_date` have a latest assessment, on or
    before that date, that passed (the reply's 109 "完成标准化建设")."""
    return standardized_platforms(township_centres_open_on(on_date, district), on_date=on_date).count()


def platform_counts(on_date: datetime.date, district: str | None = None) -> dict:
    """The platform figures of the statistics (DESIGN §4): platforms open on the date by kind, and the
    standardised township centres."""
    by_kind = dict.fromkeys(PlatformKind.values, 0)
    for row in platforms_open_on(on_date, district).order_by().values("kind").annotate(n=Count("id")):
        by_kind[row["kind"]] = row["n"]
    return {
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
        "standardized_township_centres": standardized_township_centres(on_date, district),
    }


@dataclasses.dataclass(frozen=True)
class DistrictCoverage:
    code: str
    name: str
    townships: int
    uncovered: list[Division]
    # Covered only through a platform of another township that serves them (no open platform of their own).
    served_by_neighbour: int = 0
    # Functional zones (功能区) are not townships: reported on their own line, never in `townships`.
    zones: int = 0
    zones_with_platform: int = 0

    @property
    def covered(self) -> int:
        return self.townships - len(self.uncovered)


def township_coverage(on_date: datetime.date, district: str | None = None) -> list[DistrictCoverage]:
    """For each district (or the one given), its townships and those no township-level platform open
    on `on_date` sits in or serves (the reply: "乡镇(街道)级平台实现全覆盖"; a cluster platform covers
    the townships it serves, docs/decisions/0035-served-townships.md). Townships are the 156 townships
    and streets; the functional zones are counted apart, with those a platform sits in or serves. Two
    queries."""
    township_platforms = Platform.objects.filter(open_on_condition(on_date), level=PlatformLevel.TOWNSHIP)
    units = (
        Division.objects.filter(level=DivisionLevel.TOWNSHIP, successor__isnull=True)
        .annotate(
            has_own=Exists(township_platforms.filter(division_id=OuterRef("code"))),
            is_served=Exists(township_platforms.filter(served_townships=OuterRef("code"))),
        )
        .order_by("code")
    )
    districts = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code")
    if district:
        units = units.filter(parent_id=district)
        districts = districts.filter(code=district)
    by_district: dict[str, list[Division]] = {}
    zones_by_district: dict[str, list[Division]] = {}
    for unit in units:
        target = zones_by_district if unit.kind == DivisionKind.ZONE else by_district
        target.setdefault(unit.parent_id, []).append(unit)
    rows = []
    for row in districts:
        own = by_district.get(row.code, [])
        zones = zones_by_district.get(row.code, [])
        rows.append(
            DistrictCoverage(
                code=row.code,
                name=row.name,
                townships=len(own),
                uncovered=[t for t in own if not (t.has_own or t.is_served)],
                served_by_neighbour=sum(1 for t in own if t.is_served and not t.has_own),
                zones=len(zones),
                zones_with_platform=sum(1 for zone in zones if zone.has_own or zone.is_served),
            )
        )
    return rows


def default_platforms(on_date: datetime.date) -> dict[str, int]:
    """The platform that supports the filings of each township by default on `on_date`: the oldest open
    township-level platform sitting in it, else the oldest one serving it (a cluster platform). Two
    queries; townships (and zones) no platform covers are absent."""
    township_platforms = Platform.objects.filter(open_on_condition(on_date), level=PlatformLevel.TOWNSHIP)
    result: dict[str, int] = {}
    for township, pk in township_platforms.order_by("division_id", "opened_on", "id").values_list("division_id", "id"):
        result.setdefault(township, pk)
    served = (
        Platform.served_townships.through.objects.filter(platform__in=township_platforms)
        .order_by("division_id", "platform__opened_on", "platform_id")
        .values_list("division_id", "platform_id")
    )
    for township, pk in served:
        result.setdefault(township, pk)
    return result


def filings_in_being(on_date: datetime.date, district: str | None = None) -> QuerySet:
    """Filings made on or before `on_date` and not cancelled on or before it (as the statistics count)."""
    queryset = CommunityOrganization.objects.filter(filed_on__lte=on_date).filter(
        Q(status=FilingStatus.FILED) | Q(status_date__gt=on_date)
    )
    return queryset.filter(district_id=district) if district else queryset


def supporting_platforms(filings, on_date: datetime.date) -> dict[int, int | None]:
    """The supporting platform (id) of each filing on `on_date`: the one a clerk or district set
    (`FilingSupport`) while it is open, else its township's default (`default_platforms`). Three
    queries whatever the number of filings."""
    filings = list(filings)
    chosen = dict(
        FilingSupport.objects.filter(filing__in=[filing.pk for filing in filings])
        .filter(open_on_condition(on_date, prefix="platform__"))
        .values_list("filing_id", "platform_id")
    )
    defaults = default_platforms(on_date)
    return {filing.pk: chosen.get(filing.pk) or defaults.get(filing.township_id) for filing in filings}


@dataclasses.dataclass(frozen=True)
class PlatformFilings:
    platform: Platform
    filings: int
    # Of them, those a clerk or the district assigned to this platform (the rest are its townships' by default).
    assigned: int


def filings_per_platform(on_date: datetime.date, district: str | None = None) -> tuple[list[PlatformFilings], int]:
    """Filings in being on `on_date` per supporting platform (the reply: platforms serve the community
    organizations of their townships), most first; and the number of filings no open platform supports.
    Four queries."""
    filings = filings_in_being(on_date, district)
    assigned_rows = (
        FilingSupport.objects.filter(filing__in=filings)
        .filter(open_on_condition(on_date, prefix="platform__"))
        .order_by()
        .values("platform_id")
        .annotate(n=Count("id"))
    )
    assigned = {row["platform_id"]: row["n"] for row in assigned_rows}
    rest = (
        filings.exclude(
            Exists(
                FilingSupport.objects.filter(filing_id=OuterRef("pk")).filter(
                    open_on_condition(on_date, prefix="platform__")
                )
            )
        )
        .order_by()
        .values("township_id")
        .annotate(n=Count("id"))
    )
    defaults = default_platforms(on_date)
    totals = dict(assigned)
    unsupported = 0
    for row in rest:
        platform = defaults.get(row["township_id"])
        if platform is None:
            unsupported += row["n"]
        else:
            totals[platform] = totals.get(platform, 0) + row["n"]
    platforms = Platform.objects.select_related("division").in_bulk(list(totals))
    rows = [
        PlatformFilings(platform=platforms[pk], filings=n, assigned=assigned.get(pk, 0)) for pk, n in totals.items()
    ]
    rows.sort(key=lambda row: (-row.filings, row.platform.pk))
    return rows, unsupported


def townships_without_platform(on_date: datetime.date, district: str | None = None) -> list[Division]:
    """The townships that no township-level platform open on `on_date` sits in or serves."""
    return [township for row in township_coverage(on_date, district) for township in row.uncovered]


@dataclasses.dataclass(frozen=True)
class FundingTotal:
    year: int
    source: str
    amount: Decimal
    records: int
    platforms: int


def funding_totals(queryset: QuerySet | None = None) -> list[FundingTotal]:
    """Funding summed per year and source over `queryset` (already filtered), newest year first.

    Summed by the database: exact NUMERIC on PostgreSQL; on SQLite the sum is rounded back to the
    cent, exact for any realistic total (docs/decisions/0033-funding-in-decimal-yuan.md)."""
    queryset = PlatformFunding.objects.all() if queryset is None else queryset
    rows = (
        queryset.order_by()
        .values("year", "source")
        .annotate(
            total=Sum("amount", output_field=DecimalField(max_digits=18, decimal_places=2)),
            records=Count("id"),
            platforms=Count("platform", distinct=True),
        )
        .order_by("-year", "source")
    )
    return [
        FundingTotal(
            year=row["year"],
            source=row["source"],
            amount=Decimal(row["total"]).quantize(Decimal("0.01")),
            records=row["records"],
            platforms=row["platforms"],
        )
        for row in rows
    ]
