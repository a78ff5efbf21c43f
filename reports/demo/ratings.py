"""Demo evaluation ratings and honours: at the end of 2022, 257 organizations rated 5A, 334 4A and
702 3A (DESIGN §1), with ratings that lapsed, were revoked or came later around them."""

from __future__ import annotations

import datetime
import random

from ratings.choices import DEFAULT_ISSUING_BODY, DEFAULT_MAX_SCORE, RevocationGround
from ratings.models import Evaluation, Honour, add_years, validity_end
from reports.demo import names, plan
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization

EVALUATION_COLUMNS = [
    "organization", "grade", "score", "max_score", "concluded_on", "valid_until", "revoked_on", "revocation_ground",
    "revocation_reason",
]  # fmt: skip
HONOUR_COLUMNS = ["kind", "year", "issuing_body", "title", "organization", "person_name", "note", "hundred_best_list"]
# A rating counts at the end of 2022 when concluded from 2018-01-01 on (valid through 2022-12-31).
FIRST_VALID_AT_END_2022 = datetime.date(2018, 1, 1)


def _day(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


# Concluded by this day, a rating has lapsed by the end of 2022.
_LAST_LAPSED = datetime.date(2017, 12, 31)


def _eligible_from(org: DemoOrganization, day: datetime.date) -> datetime.date:
    """The first day from `day` on when the organization may be rated: two years after its registration."""
    return max(day, add_years(org.registered_on, 2))


def _score(grade: int, rng: random.Random) -> str:
    """A score out of 1,000 (the rating's default `max_score`) within the grade's band."""
    low = {5: 900, 4: 800, 3: 700, 2: 600, 1: 500}[grade]
    return f"{rng.uniform(low, low + 99.99):.2f}"


def _evaluation(
    org: DemoOrganization,
    grade: int,
    concluded_on: datetime.date,
    rng: random.Random,
    *,
    revoked_on: datetime.date | None = None,
) -> tuple:
    reason = f"{DEMO_PREFIX}年检不合格，撤销评估等级" if revoked_on else ""
    ground = RevocationGround.INSPECTION_FAILED_OR_MISSED if revoked_on else ""
    return (
        org.pk,
        grade,
        _score(grade, rng),
        DEFAULT_MAX_SCORE,
        concluded_on,
        validity_end(concluded_on),
        revoked_on,
        ground,
        reason,
    )


class RatedOrganizations:
    """Who holds which grade when, for the procurement part (a provider's grade on its award date)."""

    def __init__(self):
        self.ratings: dict[int, list[tuple[datetime.date, datetime.date, int]]] = {}

    def add(self, org_pk: int, concluded_on: datetime.date, grade: int, revoked_on: datetime.date | None) -> None:
        end = validity_end(concluded_on) if revoked_on is None else revoked_on - datetime.timedelta(days=1)
        self.ratings.setdefault(org_pk, []).append((concluded_on, end, grade))
        self.ratings[org_pk].sort()

    def grade_on(self, org_pk: int, day: datetime.date) -> int | None:
        newest = [rating for rating in self.ratings.get(org_pk, []) if rating[0] <= day]
        if not newest:
            return None
        concluded_on, end, grade = newest[-1]
        return grade if day <= end else None


def seed_ratings(context: DemoContext, organizations: list[DemoOrganization]) -> RatedOrganizations:
    rng = context.rng("ratings")
    end_2022 = plan.RATINGS_DATE
    # Candidates: organizations that count at the end of 2022 and were registered two years before 2018.
    candidates = [
        org for org in organizations
        if org.counts_on(end_2022) and org.counts_on(plan.REPLY_DATE) and org.registered_on < datetime.date(2015, 12, 1)
        and not org.is_community_foundation
    ]  # fmt: skip
    rng.shuffle(candidates)
    pool = iter(candidates)
    rows, rated = [], RatedOrganizations()

    def rate(org, grade, concluded_on, revoked_on=None):
        rows.append(_evaluation(org, grade, concluded_on, rng, revoked_on=revoked_on))
        rated.add(org.pk, concluded_on, grade, revoked_on)

    holders = []
    for grade, count in plan.GRADES_END_2022.items():
        for _ in range(context.n(count)):
            org = next(pool)
            concluded_on = _day(FIRST_VALID_AT_END_2022, end_2022, rng)
            if rng.random() < 0.3:  # an older rating, superseded by this one
                rate(
                    org,
                    max(1, grade - rng.randint(0, 1)),
                    _day(datetime.date(2012, 1, 1), datetime.date(2016, 12, 31), rng),
                )
            rate(org, grade, concluded_on)
            holders.append((org, grade, concluded_on))
    # Lapsed before the end of 2022: concluded 2012–2017, no newer rating.
    for _ in range(context.n(plan.RATINGS_LAPSED)):
        org = next(pool)
        rate(org, rng.choice([5, 4, 3, 3, 2]), _day(_eligible_from(org, datetime.date(2012, 1, 1)), _LAST_LAPSED, rng))
    # Revoked by the end of 2022: the newest rating is revoked, and the older one, though still within
    # its five years, does not come back (DESIGN §2).
    for _ in range(context.n(plan.RATINGS_REVOKED)):
        org = next(pool)
        older = _day(datetime.date(2018, 1, 1), datetime.date(2018, 12, 31), rng)
        newer = _day(datetime.date(2020, 1, 1), datetime.date(2021, 12, 31), rng)
        rate(org, 3, older)
        rate(org, 4, newer, revoked_on=_day(newer, end_2022, rng))
    # After 2022: some holders rated again (superseding), some organizations rated for the first time.
    for index in range(context.n(plan.RATINGS_AFTER_2022)):
        if index % 2 == 0:
            org, grade, concluded_on = holders[rng.randrange(len(holders))]
            if any(rating[0] > end_2022 for rating in rated.ratings[org.pk]):
                continue
            later = _day(max(datetime.date(2023, 1, 1), add_years(concluded_on, 3)), plan.LAST_DEMO_DATE, rng)
            if later > plan.LAST_DEMO_DATE or later <= end_2022:
                continue
            rate(org, min(5, grade + rng.randint(0, 1)), later)
        else:
            rate(next(pool), rng.choice([5, 4, 3, 3, 3, 2]), _day(datetime.date(2023, 1, 1), plan.LAST_DEMO_DATE, rng))
    context.insert(Evaluation, EVALUATION_COLUMNS, rows)
    context.log(f"evaluation ratings: {len(rows)}")
    _seed_honours(context, holders, rng)
    return rated


def _seed_honours(context: DemoContext, holders: list, rng: random.Random) -> None:
    """Honours go to 5A and 4A organizations (and their leaders) rated by the end of 2022."""
    best = [org for org, grade, _concluded in holders if grade >= 4]
    rng.shuffle(best)
    pool = iter(best)
    rows = []
    for kinds, first_year, last_year in (
        (plan.HONOURS_END_2022, 2012, 2022),
        (plan.HONOURS_AFTER_2022, 2023, plan.LAST_DEMO_DATE.year),
    ):
        for kind, count in kinds.items():
            for _ in range(context.n(count)):
                org = next(pool)
                year = rng.randint(max(first_year, org.registered_on.year + 1), last_year)
                person = names.person_name(rng) if kind == "provincial_leader" else ""
                rows.append((kind, year, DEFAULT_ISSUING_BODY[kind], "", org.pk, person, f"{DEMO_PREFIX}演示数据", ""))
    context.insert(Honour, HONOUR_COLUMNS, rows)
    context.log(f"honours: {len(rows)}")
