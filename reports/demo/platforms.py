"""Demo platforms: a township platform in or serving every real township and street (none in the
functional zones, which are not townships), a hub in every district and two of the city's besides
the innovation park of the fixtures; 109 township party-mass service centres whose latest assessment
by 2023-06-15 passed; the city's welfare-lottery funds for them each year."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import Q

from platforms.choices import STANDARDISATION_STANDARD, AssessmentResult, FundingSource, PlatformKind, PlatformLevel
from platforms.models import Platform, PlatformFunding, StandardisationAssessment
from registry.choices import CITY_CODE, DivisionLevel
from registry.models import Division, Organization
from registry.models.divisions import counted_townships_q
from reports.demo import plan
from reports.demo.base import DEMO_PREFIX, DemoContext, apportion
from reports.demo.organizations import DemoOrganization

PLATFORM_COLUMNS = ["name", "kind", "level", "division", "operator", "party_service_centre", "opened_on", "closed_on",
                    "address", "staff_count", "is_demo"]  # fmt: skip
ASSESSMENT_COLUMNS = ["platform", "standard", "year", "result", "assessed_on", "assessor", "notes"]
FUNDING_COLUMNS = ["platform", "year", "source", "amount", "notes"]


def _day(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def seed_platforms(context: DemoContext, organizations: list[DemoOrganization]) -> None:
    rng = context.rng("platforms")
    reply = plan.REPLY_DATE
    districts = list(Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code"))
    townships = list(
        Division.objects.filter(counted_townships_q(), successor__isnull=True, is_demo=False).order_by("code")
    )
    operators: dict[str, list[DemoOrganization]] = {}
    for org in organizations:
        if org.ended_on is None and org.registered_on < datetime.date(2012, 1, 1) and org.org_type != "foundation":
            operators.setdefault(org.registered_by, []).append(org)
    hubs, supports = set(), set()

    def operator_of(authority: str, kind: str) -> int | None:
        choices = operators.get(authority) or operators[CITY_CODE]
        org = choices.pop(rng.randrange(len(choices)))
        (hubs if kind == PlatformKind.HUB else supports).add(org.pk)
        return org.pk

    rows: list[tuple] = []
    centres: list[int] = []  # row indexes of township party-mass service centres open on the reply date

    def platform(name, kind, level, division, opened_on, *, centre=False, closed_on=None, authority=None):
        operator = operator_of(authority, kind) if authority and rng.random() < 0.7 else None
        rows.append(
            (f"{DEMO_PREFIX}{name}", kind, level, division, operator, centre, opened_on, closed_on, "",
             rng.randint(2, 30), True)
        )  # fmt: skip
        return len(rows) - 1

    platform(
        "宁波市社会组织服务中心",
        PlatformKind.HUB,
        PlatformLevel.CITY,
        CITY_CODE,
        datetime.date(2013, 3, 1),
        authority=CITY_CODE,
    )
    funded = [0]
    for district in districts:
        opened = _day(datetime.date(2014, 1, 1), datetime.date(2018, 12, 31), rng)
        funded.append(
            platform(
                f"{district.name}社会组织服务中心",
                PlatformKind.HUB,
                PlatformLevel.DISTRICT,
                district.code,
                opened,
                authority=district.code,
            )
        )
    served = _served_by_neighbours(townships, rng)  # township → the township whose platform serves it
    own = [township for township in townships if township.code not in served]
    centre_townships = set(rng.sample([t.code for t in own], plan.TOWNSHIP_CENTRES))
    index_of: dict[str, int] = {}
    for township in own:
        kind = PlatformKind.HUB if rng.random() < 0.55 else PlatformKind.SUPPORT
        centre = township.code in centre_townships
        label = "社会组织党群服务中心" if centre else {PlatformKind.HUB: "社会组织服务站"}.get(kind, "社会组织发展中心")
        opened = _day(datetime.date(2015, 1, 1), datetime.date(2021, 6, 30), rng)
        index_of[township.code] = platform(
            f"{township.name}{label}",
            kind,
            PlatformLevel.TOWNSHIP,
            township.code,
            opened,
            centre=centre,
            authority=township.parent_id,
        )
        if centre:
            centres.append(index_of[township.code])
    # Around the reply date: one closed before it and one opened after it, in townships that keep theirs.
    old, new = rng.sample(own, 2)
    platform(
        f"{old.name}社会组织服务站（原址）",
        PlatformKind.HUB,
        PlatformLevel.TOWNSHIP,
        old.code,
        datetime.date(2014, 5, 1),
        closed_on=datetime.date(2021, 3, 31),
    )
    platform(
        f"{new.name}社会组织孵化园",
        PlatformKind.SUPPORT,
        PlatformLevel.TOWNSHIP,
        new.code,
        _day(reply + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng),
    )
    first = context.insert(Platform, PLATFORM_COLUMNS, rows)
    Organization._base_manager.filter(pk__in=hubs).update(is_hub=True)
    Organization._base_manager.filter(pk__in=supports).update(is_support=True)
    context.insert(
        Platform.served_townships.through,
        ["platform", "division"],
        [(first + index_of[server], township) for township, server in sorted(served.items())],
    )
    context.log(
        f"platforms: {len(rows)} (and the innovation park of the fixtures), {len(served)} townships served by a "
        "neighbour's platform"
    )
    _seed_assessments(context, [first + index for index in centres], [rows[index][6] for index in centres], rng)
    _seed_funding(context, [first + index for index in funded], first, len(rows), rng)


def _served_by_neighbours(townships: list[Division], rng) -> dict[str, str]:
    """The townships without a platform of their own, each served by a neighbour's platform of its district
    (a cluster platform, docs/decisions/0035): `plan.SERVED_BY_NEIGHBOUR` of them, spread over the
    districts by their number of townships, every district keeping most of its own; one township each."""
    by_district: dict[str, list[str]] = {}
    for township in townships:
        by_district.setdefault(township.parent_id, []).append(township.code)
    shares = apportion(plan.SERVED_BY_NEIGHBOUR, {code: len(codes) for code, codes in by_district.items()})
    served = {}
    for district, codes in sorted(by_district.items()):
        chosen = rng.sample(codes, shares[district])
        servers = rng.sample([code for code in codes if code not in chosen], len(chosen))
        served.update(zip(chosen, servers, strict=True))
    return served


def _seed_assessments(context: DemoContext, centres: list[int], opened: list[datetime.date], rng) -> None:
    """109 centres whose latest assessment by the reply date passed (some after failing first), 12 whose
    latest failed (some after passing first), 10 assessed only after it, the rest never."""
    order = list(range(len(centres)))
    rng.shuffle(order)
    passed = order[: plan.STANDARDIZED_CENTRES]
    failed = order[plan.STANDARDIZED_CENTRES : plan.STANDARDIZED_CENTRES + plan.CENTRES_FAILED]
    later = order[len(passed) + len(failed) : len(passed) + len(failed) + plan.CENTRES_ASSESSED_LATER]
    rows = []

    def assess(index, result, day):
        rows.append(
            (centres[index], STANDARDISATION_STANDARD, day.year, result, day, f"{DEMO_PREFIX}市民政局评估组", "")
        )

    for index in passed + failed:
        start = max(opened[index] + datetime.timedelta(days=90), datetime.date(2020, 1, 1))
        first_day = _day(start, datetime.date(2022, 12, 31), rng)
        final = AssessmentResult.PASSED if index in passed else AssessmentResult.FAILED
        if rng.random() < 0.2:  # an earlier assessment with the other result
            other = AssessmentResult.FAILED if final == AssessmentResult.PASSED else AssessmentResult.PASSED
            assess(index, other, first_day)
            first_day = _day(first_day + datetime.timedelta(days=30), plan.REPLY_DATE, rng)
        assess(index, final, first_day)
    for index in later:
        assess(
            index, AssessmentResult.PASSED, _day(plan.REPLY_DATE + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng)
        )
    context.insert(StandardisationAssessment, ASSESSMENT_COLUMNS, rows)
    context.log(f"standardisation assessments: {len(rows)}")


def _seed_funding(context: DemoContext, funded: list[int], first: int, count: int, rng) -> None:
    """The city's welfare-lottery funds, each year split over the city's and the districts' platforms;
    district budgets for township platforms."""
    rows = []
    for year, total in plan.WELFARE_LOTTERY.items():
        shares = apportion(total // 100, {str(pk): rng.uniform(1, 3) for pk in funded})
        for pk, hundreds in shares.items():
            rows.append(
                (int(pk), year, FundingSource.CITY_WELFARE_LOTTERY, Decimal(hundreds * 100), f"{DEMO_PREFIX}演示数据")
            )
    township_platforms = (
        Platform.objects.filter(level=PlatformLevel.TOWNSHIP, is_demo=True)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=datetime.date(2023, 1, 1)))
        .values_list("pk", "opened_on")
    )
    for pk, opened_on in township_platforms:
        for year in range(max(opened_on.year + 1, 2021), 2024):
            rows.append((pk, year, FundingSource.DISTRICT_BUDGET, Decimal(rng.randint(200, 800) * 100), ""))
    context.insert(PlatformFunding, FUNDING_COLUMNS, rows)
    context.log(f"platform funding records: {len(rows)}")
