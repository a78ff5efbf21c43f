"""Demo evaluation procedure (DESIGN §8): the 2022 rounds whose conclusions are the demo ratings of
2022, and one open round of 2025 with an application at every status.

An organization is evaluated by the authority that registered it (民政部令第39号 art. 5), so "the 2022
round" is one round per registration authority, each named for it. Every concluded application points
at a rating the ratings part already wrote (no second rating is made), with its steps dated back from
the rating's conclusion.
"""

from __future__ import annotations

import datetime
import random

from evaluations.choices import DEFAULT_PUBLIC_NOTICE_DAYS, DEFAULT_THRESHOLDS, ApplicationStatus
from evaluations.models import EvaluationApplication, EvaluationRound
from ratings.choices import DEFAULT_MAX_SCORE
from ratings.models import Evaluation
from registry.choices import CITY_CODE
from registry.models import Division
from reports.demo import plan
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization

ROUND_COLUMNS = [
    "year", "name", "authority", "max_score", "min_score_5a", "min_score_4a", "min_score_3a", "min_score_2a",
    "min_score_1a", "applications_from", "applications_until", "public_notice_days",
]  # fmt: skip
APPLICATION_COLUMNS = [
    "round", "organization", "applied_on", "status", "status_date", "eligibility_reasons", "accepted_on",
    "acceptance_reason", "refused_on", "refusal_reason", "score", "scored_on", "proposed_grade", "grade",
    "grade_reason", "notice_from", "notice_until", "concluded_on", "evaluation", "withdrawn_on", "withdrawal_reason",
]  # fmt: skip
DAY = datetime.timedelta(days=1)
CONCLUDED_YEAR = 2022
OPEN_YEAR = plan.LAST_DEMO_DATE.year
OPEN_WINDOW = (datetime.date(OPEN_YEAR, 9, 1), datetime.date(OPEN_YEAR, 12, 31))


def _round(year: int, name: str, authority: str, window: tuple[datetime.date, datetime.date]) -> tuple:
    return (
        year,
        name,
        authority,
        DEFAULT_MAX_SCORE,
        *(DEFAULT_THRESHOLDS[grade] for grade in (5, 4, 3, 2, 1)),
        *window,
        DEFAULT_PUBLIC_NOTICE_DAYS,
    )


def _application(round_pk: int, org_pk: int, applied_on: datetime.date, status: str, **steps) -> tuple:
    row = {
        "applied_on": applied_on,
        "status": status,
        "status_date": None,
        "eligibility_reasons": "[]",
        "accepted_on": None,
        "acceptance_reason": "",
        "refused_on": None,
        "refusal_reason": "",
        "score": None,
        "scored_on": None,
        "proposed_grade": None,
        "grade": None,
        "grade_reason": "",
        "notice_from": None,
        "notice_until": None,
        "concluded_on": None,
        "evaluation": None,
        "withdrawn_on": None,
        "withdrawal_reason": "",
        **steps,
    }
    row["status_date"] = row["status_date"] or applied_on
    return (round_pk, org_pk, *(row[name] for name in APPLICATION_COLUMNS[2:]))


def _steps_to(concluded_on: datetime.date, grade: int, score, evaluation_pk: int | None) -> dict:
    """The dates of a concluded case, counted back from its conclusion: scored, published, concluded."""
    notice_from = concluded_on - 10 * DAY
    return {
        "status_date": concluded_on,
        "accepted_on": concluded_on - 50 * DAY,
        "score": score,
        "scored_on": concluded_on - 20 * DAY,
        "proposed_grade": grade,
        "grade": grade,
        "notice_from": notice_from,
        "notice_until": notice_from + (DEFAULT_PUBLIC_NOTICE_DAYS - 1) * DAY,
        "concluded_on": concluded_on,
        "evaluation": evaluation_pk,
    }


def seed_evaluations(context: DemoContext, organizations: list[DemoOrganization]) -> None:
    rng = context.rng("evaluations")
    names = dict(Division.objects.values_list("code", "name"))
    by_pk = {org.pk: org for org in organizations}
    concluded = list(
        Evaluation.objects.filter(concluded_on__year=CONCLUDED_YEAR, downgraded_from__isnull=True)
        .order_by("pk")
        .values_list("pk", "organization_id", "grade", "score", "concluded_on")
    )
    authorities = sorted({by_pk[org_pk].registered_by for _pk, org_pk, *_rest in concluded})
    window = (datetime.date(CONCLUDED_YEAR - 1, 10, 1), datetime.date(CONCLUDED_YEAR, 10, 31))
    rounds = [
        _round(CONCLUDED_YEAR, f"{DEMO_PREFIX}{CONCLUDED_YEAR}年度{names[code]}社会组织评估", code, window)
        for code in authorities
    ]
    rounds.append(_round(OPEN_YEAR, f"{DEMO_PREFIX}{OPEN_YEAR}年度宁波市社会组织评估", CITY_CODE, OPEN_WINDOW))
    first = context.insert(EvaluationRound, ROUND_COLUMNS, rounds)
    round_of = {code: first + index for index, code in enumerate(authorities)}
    open_round = first + len(authorities)

    rows = []
    for pk, org_pk, grade, score, concluded_on in concluded:
        applied_on = min(max(concluded_on - 60 * DAY, window[0]), window[1])
        steps = _steps_to(concluded_on, grade, score, pk)
        steps["accepted_on"] = max(steps["accepted_on"], applied_on)
        rows.append(
            _application(
                round_of[by_pk[org_pk].registered_by], org_pk, applied_on, ApplicationStatus.CONCLUDED, **steps
            )
        )
    rows += _open_round(open_round, organizations, rng)
    context.insert(EvaluationApplication, APPLICATION_COLUMNS, rows)
    context.log(f"evaluation rounds: {len(rounds)}, applications: {len(rows)}")


def _open_round(round_pk: int, organizations: list[DemoOrganization], rng: random.Random) -> list[tuple]:
    """One application at every status in the open round: city-registered organizations without a rating
    in the round's year, and, for the concluded one, a city organization's rating of that year."""
    rated = set(Evaluation.objects.filter(concluded_on__year=OPEN_YEAR).values_list("organization_id", flat=True))
    city = {org.pk for org in organizations if org.city_level}
    candidates = [
        org
        for org in organizations
        if org.city_level and org.pk not in rated and org.counts_on(plan.LAST_DEMO_DATE)
        and org.registered_on < datetime.date(OPEN_YEAR - 2, 1, 1)
    ]  # fmt: skip
    rng.shuffle(candidates)
    start = OPEN_WINDOW[0]
    applied = [start + rng.randint(0, 20) * DAY for _ in range(6)]
    rows = []
    statuses = [
        (ApplicationStatus.APPLIED, {}),
        (ApplicationStatus.REFUSED, {"refused_on": start + 30 * DAY, "refusal_reason": f"{DEMO_PREFIX}申报材料不齐全"}),
        (ApplicationStatus.ACCEPTED, {"accepted_on": start + 30 * DAY}),
        (
            ApplicationStatus.SCORED,
            {
                "accepted_on": start + 30 * DAY,
                "score": "865.50",
                "scored_on": start + 60 * DAY,
                "proposed_grade": 4,
                "grade": 4,
            },
        ),  # fmt: skip
        (
            ApplicationStatus.PUBLIC_NOTICE,
            {
                "accepted_on": start + 30 * DAY,
                "score": "921.00",
                "scored_on": start + 60 * DAY,
                "proposed_grade": 5,
                "grade": 5,
                "notice_from": datetime.date(OPEN_YEAR, 12, 22),
                "notice_until": datetime.date(OPEN_YEAR, 12, 28),
            },
        ),  # fmt: skip
        (
            ApplicationStatus.WITHDRAWN,
            {"withdrawn_on": start + 40 * DAY, "withdrawal_reason": f"{DEMO_PREFIX}自愿撤回"},
        ),
    ]
    for (status, steps), org, applied_on in zip(statuses, candidates, applied, strict=False):
        date_of_status = next(
            (
                steps[name]
                for name in ("notice_from", "scored_on", "refused_on", "withdrawn_on", "accepted_on")
                if name in steps
            ),
            applied_on,
        )
        rows.append(_application(round_pk, org.pk, applied_on, status, status_date=date_of_status, **steps))
    later = (
        Evaluation.objects.filter(
            concluded_on__gt=OPEN_WINDOW[0] + 60 * DAY, concluded_on__year=OPEN_YEAR, organization_id__in=city
        )
        .exclude(application__isnull=False)
        .order_by("concluded_on", "pk")
        .values_list("pk", "organization_id", "grade", "score", "concluded_on")
        .first()
    )
    if later is not None:
        pk, org_pk, grade, score, concluded_on = later
        rows.append(
            _application(
                round_pk,
                org_pk,
                OPEN_WINDOW[0],
                ApplicationStatus.CONCLUDED,
                **_steps_to(concluded_on, grade, score, pk),
            )
        )
    return rows
