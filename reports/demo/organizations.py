"""Demo organizations: the reply's 10,224 (by type and level) counting on 2023-06-15, plus some that
ended before it or registered after it, so the date of a statistic matters."""

from __future__ import annotations

import datetime
import functools
import itertools
import random
from dataclasses import dataclass

from registry.choices import CITY_CODE, CREDIT_CODE_CATEGORY, Field, OrgStatus, OrgType, RegistrationLevel
from registry.models import Division, Organization
from registry.validators import ALPHABET, uscc_with_checks
from reports.demo import names, plan
from reports.demo.base import DEMO_PREFIX, DemoContext, apportion

# Historical registering authorities still printed in older codes (DESIGN §2), before the 2016 merger.
HISTORICAL_SEGMENT = {"330212": "330204", "330213": "330283"}
MERGER_DATE = datetime.date(2016, 9, 1)
FIRST_YEAR = 1990
FIELDS = list(Field.values)


@dataclass(slots=True)
class DemoOrganization:
    """What later parts need to know of a demo organization, kept in memory (not the model row)."""

    pk: int
    org_type: str
    registered_by: str
    registered_on: datetime.date
    ended_on: datetime.date | None
    is_community_foundation: bool = False
    name: str = ""

    @property
    def city_level(self) -> bool:
        return self.registered_by == CITY_CODE

    def counts_on(self, day: datetime.date) -> bool:
        return self.registered_on <= day and (self.ended_on is None or self.ended_on > day)


def _days(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


@functools.cache
def _year_weights(last_year: int) -> tuple[list[int], list[float]]:
    years = list(range(FIRST_YEAR, last_year + 1))
    return years, list(itertools.accumulate((year - FIRST_YEAR + 1) ** 1.6 for year in years))


def registration_date(rng: random.Random, *, until: datetime.date = plan.REPLY_DATE) -> datetime.date:
    """More registrations in later years, as the register grew (weight grows with the year)."""
    years, cumulative = _year_weights(until.year)
    year = rng.choices(years, cum_weights=cumulative)[0]
    end = min(datetime.date(year, 12, 31), until)
    return _days(datetime.date(year, 1, 1), end, rng)


def _base31(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, rest = divmod(number, 31)
        digits.append(ALPHABET[rest])
    return "".join(reversed(digits))


def credit_code(*, org_type: str, registered_by: str, registered_on: datetime.date, serial: int) -> str:
    """A valid civil-affairs credit code: positions 9–16 `MJD` and a serial (D for demo), then both check
    characters (17: the organization code's, GB 11714; 18: the credit code's)."""
    segment = registered_by
    if registered_by in HISTORICAL_SEGMENT and registered_on < MERGER_DATE and serial % 3 == 0:
        segment = HISTORICAL_SEGMENT[registered_by]
    return uscc_with_checks(f"5{CREDIT_CODE_CATEGORY[org_type]}{segment}MJD{_base31(serial, 5)}")


ORGANIZATION_COLUMNS = [
    "uscc", "name", "org_type", "registered_by", "registration_level", "domicile", "registered_on", "status",
    "status_date", "status_reason", "legal_representative", "supervising_unit", "business_scope", "field",
    "address", "phone", "is_hub", "is_support", "is_community_foundation", "is_demo",
]  # fmt: skip

SUFFIXES = {
    OrgType.SOCIAL_GROUP: names.GROUP_SUFFIXES,
    OrgType.SOCIAL_SERVICE: names.SERVICE_SUFFIXES,
    OrgType.FOUNDATION: names.FOUNDATION_SUFFIXES,
}


def _specs(context: DemoContext, rng: random.Random) -> list[tuple[str, str, datetime.date, datetime.date | None]]:
    """(type, registering authority, registered on, ended on) of every demo organization, in a fixed order."""
    specs = []
    district_totals = {t: plan.ALL_ORGANIZATIONS[t] - plan.CITY_ORGANIZATIONS[t] for t in OrgType.values}
    for org_type in OrgType.values:
        specs += [(org_type, CITY_CODE) for _ in range(context.n(plan.CITY_ORGANIZATIONS[org_type]))]
        shares = apportion(context.n(district_totals[org_type]), plan.DISTRICT_WEIGHTS)
        for district, count in shares.items():
            specs += [(org_type, district) for _ in range(count)]
    counted = [(t, by, registration_date(rng), None) for t, by in specs]
    # Some that count on the reply date end after it (social groups and service institutions only).
    candidates = [i for i, spec in enumerate(counted) if spec[0] != OrgType.FOUNDATION]
    for index in rng.sample(candidates, context.n(plan.ENDED_AFTER_REPLY)):
        org_type, by, registered_on, _ = counted[index]
        ended = _days(plan.REPLY_DATE + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng)
        counted[index] = (org_type, by, registered_on, ended)
    authorities = [CITY_CODE, *plan.DISTRICT_WEIGHTS]
    weights = [10, *plan.DISTRICT_WEIGHTS.values()]
    others = []
    for _ in range(sum(plan.ENDED_BEFORE_REPLY.values()) * context.scale):
        registered_on = registration_date(rng, until=datetime.date(2021, 12, 31))
        ended = _days(registered_on + datetime.timedelta(days=365), plan.REPLY_DATE, rng)
        org_type = rng.choice([OrgType.SOCIAL_GROUP, OrgType.SOCIAL_SERVICE, OrgType.SOCIAL_SERVICE])
        others.append((org_type, rng.choices(authorities, weights)[0], registered_on, ended))
    for _ in range(context.n(plan.REGISTERED_AFTER_REPLY)):
        registered_on = _days(plan.REPLY_DATE + datetime.timedelta(days=1), plan.LAST_DEMO_DATE, rng)
        org_type = rng.choice([OrgType.SOCIAL_GROUP, OrgType.SOCIAL_SERVICE, OrgType.SOCIAL_SERVICE])
        others.append((org_type, rng.choices(authorities, weights)[0], registered_on, None))
    return counted + others


def seed_organizations(context: DemoContext) -> list[DemoOrganization]:
    rng = context.rng("organizations")
    specs = _specs(context, rng)
    districts = dict(Division.objects.filter(code__in=[CITY_CODE, *plan.DISTRICT_WEIGHTS]).values_list("code", "name"))
    # The first district-registered foundation of each of the seven districts is its community development
    # foundation (the reply names the districts, not the foundations).
    community_foundation_of = {}
    for index, (org_type, by, _registered_on, ended) in enumerate(specs):
        if org_type == OrgType.FOUNDATION and by in plan.COMMUNITY_FOUNDATION_DISTRICTS and ended is None:
            community_foundation_of.setdefault(by, index)
    community_foundations = set(community_foundation_of.values())
    ended_before = sum(plan.ENDED_BEFORE_REPLY.values()) * context.scale
    first_other = len(specs) - ended_before - context.n(plan.REGISTERED_AFTER_REPLY)
    revoked_share = plan.ENDED_BEFORE_REPLY["revoked"] / sum(plan.ENDED_BEFORE_REPLY.values())

    district_codes, district_weights = list(plan.DISTRICT_WEIGHTS), list(plan.DISTRICT_WEIGHTS.values())
    used_names: set[str] = set()
    rows, kept = [], []
    for serial, (org_type, by, registered_on, ended) in enumerate(specs, start=1):
        place = districts[by] if by == CITY_CODE else f"宁波市{districts[by]}"
        if serial - 1 in community_foundations:
            registered_on = _days(datetime.date(2019, 1, 1), datetime.date(2022, 12, 31), rng)
            name = f"{DEMO_PREFIX}{place}社区发展基金会"
        else:
            name = names.organization_name(rng, place=place, suffixes=SUFFIXES[org_type])
            if name in used_names:
                name = f"{name}（{serial}）"
        used_names.add(name)
        status, reason = OrgStatus.ACTIVE, ""
        if ended is not None:
            revoked = serial - 1 >= first_other and rng.random() < revoked_share
            status = OrgStatus.REVOKED if revoked else OrgStatus.DEREGISTERED
            reason = f"{DEMO_PREFIX}{'撤销登记（行政处罚）' if revoked else '自行解散，注销登记'}"
        domicile = by if by != CITY_CODE else rng.choices(district_codes, district_weights)[0]
        rows.append(
            (
                credit_code(org_type=org_type, registered_by=by, registered_on=registered_on, serial=serial),
                name,
                org_type,
                by,
                RegistrationLevel.CITY if by == CITY_CODE else RegistrationLevel.DISTRICT,
                domicile,
                registered_on,
                status,
                ended,
                reason,
                names.person_name(rng),
                "",
                "",
                rng.choice(FIELDS),
                "",
                names.demo_phone(serial),
                False,
                False,
                serial - 1 in community_foundations,
                True,
            )
        )
        kept.append(DemoOrganization(0, org_type, by, registered_on, ended, serial - 1 in community_foundations, name))
    first = context.insert(Organization, ORGANIZATION_COLUMNS, rows)
    for offset, record in enumerate(kept):
        record.pk = first + offset
    context.log(f"organizations: {len(kept)}")
    return kept
