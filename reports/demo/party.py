"""Demo party organizations in social organizations: 922 in being on 2023-06-15, 88 of them held by the
comprehensive party committees of the city and the districts (市、县两级: covering 162 organizations,
269 members), about 15,000 members in all; each with its secretary and, for most, a party-building
instructor (党建指导员)."""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from registry.choices import CITY_CODE, DivisionLevel, PartyOrgKind, RegistrationLevel
from registry.models import ComprehensivePartyCommittee, Division, PartyOrganization
from reports.demo import names, plan
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization

PARTY_COLUMNS = [
    "name", "kind", "member_count", "committee", "secretary", "instructor", "established_on", "dissolved_on", "is_demo"
]  # fmt: skip
COMMITTEE_COLUMNS = ["name", "division", "level", "established_on", "is_demo"]


def seed_committees(context: DemoContext) -> dict[str, int]:
    """The comprehensive party committees by the code of the city or district that set them up: the
    city's of the fixtures (made here when absent) and one invented for each district (市、县两级)."""
    city = Division.objects.get(code=CITY_CODE)
    ComprehensivePartyCommittee.objects.get_or_create(division=city, defaults={"name": "宁波市社会组织综合党委"})
    districts = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).exclude(
        party_committee__isnull=False
    )
    rows = [
        (f"{DEMO_PREFIX}{district.name}社会组织综合党委", district.code, RegistrationLevel.DISTRICT,
         datetime.date(2019, 7, 1), True)
        for district in districts.order_by("code")
    ]  # fmt: skip
    context.insert(ComprehensivePartyCommittee, COMMITTEE_COLUMNS, rows)
    committees = dict(ComprehensivePartyCommittee.objects.values_list("division_id", "pk"))
    for old, new in Division.objects.filter(successor__isnull=False).values_list("code", "successor_id"):
        committees.setdefault(old, committees.get(new))
    return committees


def _day(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _split(total: int, parts: int, rng: random.Random, minimum: int = 1) -> list[int]:
    """`total` over `parts`, each at least `minimum`, the rest at random."""
    counts = [minimum] * parts
    for index in rng.choices(range(parts), k=total - minimum * parts):
        counts[index] += 1
    return counts


def _groups(sizes: list[int], pool: dict[str, list[DemoOrganization]], rng: random.Random) -> list[list]:
    """Groups of organizations of one registering authority each (a joint party organization covers
    organizations of one authority), of the given sizes, taken out of `pool`."""
    groups = []
    for size in sizes:
        authorities = [code for code, orgs in pool.items() if len(orgs) >= size]
        authority = rng.choice(sorted(authorities))
        groups.append([pool[authority].pop() for _ in range(size)])
    return groups


def seed_party(context: DemoContext, organizations: list[DemoOrganization]) -> None:
    rng = context.rng("party")
    reply = plan.REPLY_DATE
    # Organizations that count on the reply date and still do: each is covered by one party organization at most.
    candidates = [
        org for org in organizations if org.ended_on is None and org.registered_on <= datetime.date(2021, 12, 31)
    ]
    rng.shuffle(candidates)
    pool: dict[str, list[DemoOrganization]] = defaultdict(list)
    for org in candidates:
        pool[org.registered_by].append(org)

    committee_joint = context.n(plan.COMMITTEE_PARTY_ORGANIZATIONS - plan.COMMITTEE_STANDALONE)
    committee_joint_orgs = context.n(plan.COMMITTEE_ORGANIZATIONS - plan.COMMITTEE_STANDALONE)
    joint_sizes = _split(committee_joint_orgs, committee_joint, rng, minimum=2)
    committee = _groups([1] * context.n(plan.COMMITTEE_STANDALONE), pool, rng) + _groups(joint_sizes, pool, rng)
    others_joint = context.n(plan.OTHER_JOINT)
    others_total = context.n(plan.PARTY_ORGANIZATIONS - plan.COMMITTEE_PARTY_ORGANIZATIONS)
    others = _groups([1] * (others_total - others_joint), pool, rng) + _groups(
        [rng.randint(2, 4) for _ in range(others_joint)], pool, rng
    )
    committee_members = _split(context.n(plan.COMMITTEE_MEMBERS), len(committee), rng)
    other_members = _split(context.n(plan.PARTY_MEMBERS - plan.COMMITTEE_MEMBERS), len(others), rng)

    places = {
        code: name for code, name in Division.objects.values_list("code", "name").filter(level__in=["city", "district"])
    }
    rows, coverage = [], []
    committees = seed_committees(context)

    def add(group, members, *, held, established_on, dissolved_on=None):
        first = group[0]
        if len(group) == 1:
            base = first.name.removeprefix(DEMO_PREFIX)
        else:
            base = f"{places[first.registered_by]}社会组织第{len(rows) + 1}"
        kind = PartyOrgKind.STANDALONE if len(group) == 1 else PartyOrgKind.JOINT
        suffix = "支部委员会" if len(group) == 1 else "联合支部委员会"
        committee = committees[first.registered_by] if held else None
        instructor = names.person_name(rng) if rng.random() < 0.8 else ""
        rows.append(
            (f"{DEMO_PREFIX}中共{base}{suffix}", kind, members, committee, names.person_name(rng), instructor,
             established_on, dissolved_on, True)
        )  # fmt: skip
        coverage.append([org.pk for org in group])

    def established(group, until=reply):
        latest = max(org.registered_on for org in group)
        return _day(max(latest, datetime.date(2008, 1, 1)), until, rng)

    later = set(rng.sample(range(len(others)), context.n(plan.PARTY_DISSOLVED_AFTER_REPLY)))
    for group, members in zip(committee, committee_members, strict=True):
        add(group, members, held=True, established_on=established(group))
    for index, (group, members) in enumerate(zip(others, other_members, strict=True)):
        dissolved = _day(reply + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng) if index in later else None
        add(group, members, held=False, established_on=established(group), dissolved_on=dissolved)
    # Not in being on the reply date: dissolved before it, or established after it.
    for group in _groups([1] * context.n(plan.PARTY_DISSOLVED_BEFORE_REPLY), pool, rng):
        start = established(group, until=datetime.date(2020, 12, 31))
        add(group, rng.randint(3, 30), held=False, established_on=start, dissolved_on=_day(start, reply, rng))
    for group in _groups([1] * context.n(plan.PARTY_AFTER_REPLY), pool, rng):
        opened = _day(reply + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng)
        add(group, rng.randint(3, 30), held=False, established_on=opened)

    first = context.insert(PartyOrganization, PARTY_COLUMNS, rows)
    through = PartyOrganization.organizations.through
    links = [(first + index, org_pk) for index, pks in enumerate(coverage) for org_pk in pks]
    context.insert(through, ["partyorganization", "organization"], links)
    context.log(f"party organizations: {len(rows)} covering {len(links)} organizations")
