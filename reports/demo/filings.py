"""Demo communities under the real townships, and the community organization filings in them:
18,003 urban and 30,844 rural counting on 2023-06-15, 26 and 15 per community, 76% active."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator

from registry.choices import DivisionLevel, Field, FilingCategory, FilingStatus
from registry.models import CommunityOrganization, Division, FilingNumberCounter
from registry.models.divisions import counted_townships_q
from reports.demo import names, plan
from reports.demo.base import DEMO_PREFIX, DemoContext, apportion

URBAN_SERIALS = range(1, 200)  # 居委会: the code's last three digits 001–199
RURAL_SERIALS = range(200, 400)  # 村委会: 200–399
FILING_KINDS = [
    "志愿服务队",
    "舞蹈队",
    "读书会",
    "调解会",
    "老年协会",
    "巡逻队",
    "书画社",
    "合唱团",
    "互助会",
    "健身队",
]
FIRST_FILING = datetime.date(2008, 1, 1)
CATEGORIES, FIELDS = list(FilingCategory.values), list(Field.values)  # computed once: enum lookups are slow

COMMUNITY_COLUMNS = ["code", "name", "level", "kind", "parent", "urban", "urban_rural_class", "is_demo"]
FILING_COLUMNS = [
    "filing_number", "name", "township", "community", "district", "urban", "category", "field", "filed_on",
    "contact_person", "contact_phone", "member_count", "active", "last_active_on", "status", "status_date",
    "status_reason", "is_demo",
]  # fmt: skip


def _is_street(township: Division) -> bool:
    return township.name.endswith("街道")


def seed_communities(context: DemoContext) -> dict[bool, list[tuple[str, str, str]]]:
    """Invent the reply's 692 urban and 2,056 rural communities under the 156 real townships and streets
    (streets mostly urban, towns mostly rural; every township has some). The six functional zones get
    none: they are not townships, and inventing villages in a bonded zone would mislead. Returns
    (code, township, district) by kind.

    Communities are geography: they do not grow with the scale (the averages per community do).
    """
    rng = context.rng("communities")
    townships = list(
        Division.objects.filter(counted_townships_q(), successor__isnull=True, is_demo=False).order_by("code")
    )
    urban_weights = {t.code: 6 if _is_street(t) else 1 for t in townships}
    rural_weights = {t.code: 1 if _is_street(t) else 5 for t in townships}
    urban_counts = apportion(plan.URBAN_COMMUNITIES, urban_weights)
    rural_counts = apportion(plan.RURAL_COMMUNITIES, rural_weights)
    taken = set(Division.objects.filter(level=DivisionLevel.COMMUNITY).values_list("code", flat=True))
    rows, result = [], {True: [], False: []}
    for township in townships:
        used_names: set[str] = set()
        for urban, count, serials in (
            (True, urban_counts[township.code], URBAN_SERIALS),
            (False, rural_counts[township.code], RURAL_SERIALS),
        ):
            free = [serial for serial in serials if f"{township.code}{serial:03d}" not in taken]
            for serial in free[:count]:
                code = f"{township.code}{serial:03d}"
                name = names.community_name(rng, urban=urban)
                while name in used_names:
                    name = names.community_name(rng, urban=urban)
                used_names.add(name)
                urban_class = ("111" if _is_street(township) else "121") if urban else "220"
                rows.append((code, name, DivisionLevel.COMMUNITY, "", township.code, urban, urban_class, True))
                result[urban].append((code, township.code, township.parent_id))
    context.insert(Division, COMMUNITY_COLUMNS, rows)
    context.log(f"communities: {len(result[True])} urban, {len(result[False])} rural")
    return result


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """`total` items over `buckets`, each at least one, the rest at random."""
    counts = [1] * buckets
    for index in rng.choices(range(buckets), k=total - buckets):
        counts[index] += 1
    return counts


def _date_between(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


class _Selection:
    """Exactly `wanted` of `total` items, drawn one by one as they stream past (selection sampling)."""

    def __init__(self, wanted: int, total: int, rng: random.Random):
        self.wanted, self.left, self.rng = wanted, total, rng

    def take(self) -> bool:
        chosen = self.rng.random() * self.left < self.wanted
        self.left -= 1
        if chosen:
            self.wanted -= 1
        return chosen


def seed_filings(context: DemoContext, communities: dict[bool, list[tuple[str, str, str]]]) -> None:
    rng = context.rng("filings")
    counted = {True: context.n(plan.URBAN_FILINGS), False: context.n(plan.RURAL_FILINGS)}
    total_counted = sum(counted.values())
    # Those cancelled after the reply date count on it, but are no longer active; the active ones are
    # drawn from the rest, so that exactly 76% of the filings counting on the reply date are active.
    ended_count = context.n(plan.FILINGS_CANCELLED_AFTER_REPLY)
    ended_later = _Selection(ended_count, total_counted, rng)
    active = _Selection(round(plan.ACTIVE_RATE * total_counted), total_counted - ended_count, rng)
    sequences: dict[tuple[str, int], int] = defaultdict(int)
    day_after = plan.REPLY_DATE + datetime.timedelta(days=1)

    def filing(community, *, filed_on, status_date=None, is_active=False) -> tuple:
        code, township, district = community
        sequences[(township, filed_on.year)] += 1
        number = f"{township}-{filed_on.year}-{sequences[(township, filed_on.year)]:04d}"
        urban = int(code[-3:]) < 200
        cancelled = status_date is not None
        # Active: met within the year before the reply date (or, filed after it, before the demo data ends).
        horizon = plan.REPLY_DATE if filed_on <= plan.REPLY_DATE else plan.LAST_DEMO_DATE
        year_before = horizon - datetime.timedelta(days=365)
        last_active = None
        if is_active and not cancelled:
            last_active = _date_between(max(filed_on, year_before), horizon, rng)
        elif filed_on < year_before and rng.random() < 0.5:
            last_active = _date_between(filed_on, year_before, rng)
        if cancelled:
            is_active = False
        return (
            number,
            f"{DEMO_PREFIX}{rng.choice(names.COMMUNITY_WORDS)}{rng.choice(FILING_KINDS)}",
            township,
            code,
            district,
            urban,
            rng.choice(CATEGORIES),
            rng.choice(FIELDS),
            filed_on,
            names.person_name(rng),
            names.demo_phone(rng.randint(0, 9999)),
            rng.randint(5, 80),
            is_active,
            last_active,
            FilingStatus.CANCELLED if cancelled else FilingStatus.FILED,
            status_date,
            f"{DEMO_PREFIX}活动停止，注销备案" if cancelled else "",
            True,
        )

    def rows() -> Iterator[tuple]:
        for urban in (True, False):
            places = communities[urban]
            for community, count in zip(places, _spread(counted[urban], len(places), rng), strict=True):
                for _ in range(count):
                    filed_on = _date_between(FIRST_FILING, plan.REPLY_DATE, rng)
                    if ended_later.take():
                        cancelled_on = _date_between(day_after, plan.LAST_DEMO_DATE, rng)
                        yield filing(community, filed_on=filed_on, status_date=cancelled_on)
                    else:
                        yield filing(community, filed_on=filed_on, is_active=active.take())
        every = communities[True] + communities[False]
        for _ in range(context.n(plan.FILINGS_CANCELLED_BEFORE_REPLY)):
            filed_on = _date_between(FIRST_FILING, datetime.date(2022, 12, 31), rng)
            cancelled_on = _date_between(filed_on, plan.REPLY_DATE, rng)
            yield filing(rng.choice(every), filed_on=filed_on, status_date=cancelled_on)
        for _ in range(context.n(plan.FILINGS_AFTER_REPLY)):
            yield filing(
                rng.choice(every),
                filed_on=_date_between(day_after, plan.LAST_DEMO_DATE, rng),
                is_active=rng.random() < plan.ACTIVE_RATE,
            )

    context.insert(CommunityOrganization, FILING_COLUMNS, rows())
    # The next filing number of a township and year follows the demo data's.
    context.insert(
        FilingNumberCounter,
        ["township", "year", "last_sequence"],
        [(township, year, last) for (township, year), last in sorted(sequences.items())],
    )
    context.log(f"community organization filings: {context.written[CommunityOrganization._meta.label]}")
