"""Demo supervision facts (DESIGN §7): a realistic run of annual work reports for 2023–2025 (most filed
on time, some late, some missing; most reviewed) and credit-list entries at every clock stage, so the
daily job (`manage.py supervise`) makes every kind of proposal on the demo data:

- reports missing by the deadline → `list_abnormal` (report_overdue);
- abnormal listings for a missing 2024 report whose report came late → `remove_abnormal` (5 working days);
- warning-only listings of more than 6 months → `remove_abnormal` (6 months);
- abnormal listings older than 2 years → `transfer_serious`;
- serious listings older than 2 years, and for revocation of organizations since deregistered →
  `remove_serious`.

Every date lies before 2026-06-01, so the data is the same whatever day it is seeded on.
"""

from __future__ import annotations

import datetime

from registry.choices import CreditEntrySource, CreditGround, CreditList, OrgStatus, ReportResult
from registry.models import AnnualReport, CreditListEntry, Organization
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization

REPORT_YEARS = (2023, 2024, 2025)
SHARE_LATE, SHARE_MISSING = 0.04, 0.03
# Listings per stage at scale 1.
LISTED_WAITING_REPORT = 25  # abnormal for the missing 2024 report; the report came in the autumn
LISTED_WARNING = 15  # abnormal for a warning, listed in 2025
LISTED_TWO_YEARS = 10  # abnormal (unreachable) since the first half of 2024
SERIOUS_TWO_YEARS = 8  # serious (large fine) since early 2024
SERIOUS_REVOKED = 5  # serious for revocation; deregistration since completed


def _day(rng, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _result(rng) -> str:
    roll = rng.random()
    return ReportResult.PASSED if roll < 0.85 else ReportResult.BASICALLY_PASSED if roll < 0.96 else ReportResult.FAILED


def seed_supervision(context: DemoContext, organizations: list[DemoOrganization]) -> None:
    rng = context.rng("supervision")
    reports = []
    missing_2024: list[DemoOrganization] = []
    for org in organizations:
        for year in REPORT_YEARS:
            deadline = datetime.date(year + 1, 5, 31)
            if org.registered_on > datetime.date(year, 12, 31) or (org.ended_on and org.ended_on < deadline):
                continue
            roll = rng.random()
            if roll < SHARE_MISSING:
                if year == 2024 and org.ended_on is None:
                    missing_2024.append(org)
                continue
            if roll < SHARE_MISSING + SHARE_LATE:
                submitted = _day(rng, deadline + datetime.timedelta(days=1), datetime.date(year + 1, 9, 30))
            else:
                submitted = _day(rng, datetime.date(year + 1, 2, 1), deadline)
            reviewed = submitted + datetime.timedelta(days=rng.randint(10, 60))
            if year == 2025 and rng.random() < 0.2:  # the newest year is still being reviewed
                reports.append((org.pk, year, submitted, "", None, ""))
            else:
                reports.append((org.pk, year, submitted, _result(rng), reviewed, ""))
    entries = []
    active = [org for org in organizations if org.ended_on is None and org.registered_on < datetime.date(2022, 1, 1)]
    rng.shuffle(active)
    pool = iter(active)

    def entry(org, kind, ground, listed_on, reason):
        entries.append(
            (kind, org.pk, listed_on, f"{DEMO_PREFIX}{reason}", "", ground, listed_on, "", CreditEntrySource.MANUAL)
        )

    # The report overdue, listed, then filed late: the removal is due 5 working days after the filing.
    for org in missing_2024[: context.n(LISTED_WAITING_REPORT)]:
        listed_on = _day(rng, datetime.date(2025, 6, 3), datetime.date(2025, 6, 30))
        entry(org, CreditList.ABNORMAL, CreditGround.REPORT_OVERDUE, listed_on, "未按规定报送2024年度工作报告")
        filed = _day(rng, datetime.date(2025, 9, 15), datetime.date(2025, 11, 30))
        reports.append((org.pk, 2024, filed, "", None, "逾期补报"))
    listed_orgs = {row[1] for row in entries}
    pool = iter(org for org in active if org.pk not in listed_orgs and org not in missing_2024)
    for _ in range(context.n(LISTED_WARNING)):
        entry(
            next(pool),
            CreditList.ABNORMAL,
            CreditGround.WARNING_OR_SMALL_FINE,
            _day(rng, datetime.date(2025, 1, 1), datetime.date(2025, 10, 31)),
            "受到警告处罚",
        )
    for _ in range(context.n(LISTED_TWO_YEARS)):
        entry(
            next(pool),
            CreditList.ABNORMAL,
            CreditGround.UNREACHABLE,
            _day(rng, datetime.date(2024, 1, 1), datetime.date(2024, 5, 31)),
            "两次挂号信函无人签收，通过登记的住所无法取得联系",
        )
    for _ in range(context.n(SERIOUS_TWO_YEARS)):
        entry(
            next(pool),
            CreditList.SERIOUS,
            CreditGround.LARGE_FINE,
            _day(rng, datetime.date(2023, 6, 1), datetime.date(2024, 3, 31)),
            "受到5万元以上罚款处罚",
        )
    deregistered_ids = set(
        Organization.objects.filter(
            pk__in=[org.pk for org in organizations if org.ended_on is not None], status=OrgStatus.DEREGISTERED
        ).values_list("pk", flat=True)
    )
    deregistered = [
        org
        for org in organizations
        if org.pk in deregistered_ids and org.ended_on - datetime.timedelta(days=90) > org.registered_on
    ]
    rng.shuffle(deregistered)
    for org in deregistered[: context.n(SERIOUS_REVOKED)]:
        entry(
            org,
            CreditList.SERIOUS,
            CreditGround.REVOKED_OR_CANCELLED,
            org.ended_on - datetime.timedelta(days=60),
            "被撤销成立登记",
        )
    context.insert(AnnualReport, ["organization", "year", "submitted_on", "result", "reviewed_on", "remarks"], reports)
    context.insert(
        CreditListEntry,
        [
            "list_kind",
            "organization",
            "listed_on",
            "reason",
            "removal_reason",
            "ground",
            "counted_from",
            "decision_number",
            "source",
        ],
        entries,
    )
