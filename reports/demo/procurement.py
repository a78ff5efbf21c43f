"""Demo purchased-service projects (the city's figure: 303 city special-fund projects in 2019–2022 worth
62,892,500 yuan, 11.99 → 17.96 million a year, each within the cap of its year; beside them district
and other city-budget projects the figure does not count) and the 109 transferred government functions
in two batches."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from procurement.choices import FunctionCategory, FundingSource, ProjectStatus
from procurement.models import Department, ProjectCap, PurchasedServiceProject, TransferredFunction
from registry.choices import CITY_CODE, DivisionLevel
from registry.models import Division
from reports.demo import names, plan
from reports.demo.base import DEMO_PREFIX, DemoContext
from reports.demo.organizations import DemoOrganization
from reports.demo.ratings import RatedOrganizations

CITY_DEPARTMENTS = ["民政局", "教育局", "卫生健康委员会", "司法局", "人力资源和社会保障局", "文化广电旅游局", "体育局",
                    "农业农村局"]  # fmt: skip
PROJECT_COLUMNS = [
    "title", "description", "purchaser", "year", "amount", "status", "announced_on", "provider", "awarded_on",
    "grade_at_award", "below_priority_flag", "delivered_on", "cancelled_on", "cancellation_reason",
    "cap_exception_approved_by", "cap_exception_reason", "cap_exception_approved_on", "is_demo", "funding_source",
]  # fmt: skip
# District budgets are not held to the special fund's cap: some of their projects exceed it.
DISTRICT_MAXIMUM = 400000
SERVICES = [
    "居家养老服务", "困境儿童关爱", "社区矫正帮扶", "青少年心理辅导", "残疾人康复", "社会工作督导", "社区治理创新",
    "志愿服务培训", "慈善项目评估", "家庭教育指导", "新市民融入", "农村文化礼堂活动",
]  # fmt: skip
FUNCTION_KINDS = ["评比", "培训", "标准制定", "资质评审", "统计调查", "信息咨询"]
MINIMUM = 50000
STEP = 100


def _day(start: datetime.date, end: datetime.date, rng: random.Random) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def amounts(total: int, count: int, cap: int, rng: random.Random) -> list[int]:
    """`count` amounts in yuan, multiples of 100 between 50,000 and `cap`, adding up to `total` exactly."""
    weights = [rng.uniform(0.6, 1.0) for _ in range(count)]
    scale = total / sum(weights)
    values = [min(cap, max(MINIMUM, round(weight * scale / STEP) * STEP)) for weight in weights]
    left = total - sum(values)
    while left:
        for index in rng.sample(range(count), count):
            if left > 0 and values[index] < cap:
                step = min(left, cap - values[index])
            elif left < 0 and values[index] > MINIMUM:
                step = -min(-left, values[index] - MINIMUM)
            else:
                continue
            values[index] += step
            left -= step
            if not left:
                break
    return values


def seed_procurement(context: DemoContext, organizations: list[DemoOrganization], rated: RatedOrganizations) -> None:
    rng = context.rng("procurement")
    districts = list(Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code"))
    department_rows = [(f"{DEMO_PREFIX}宁波市{name}", CITY_CODE, True) for name in CITY_DEPARTMENTS]
    department_rows += [(f"{DEMO_PREFIX}{d.name}民政局", d.code, True) for d in districts]
    first_department = context.insert(Department, ["name", "division", "is_demo"], department_rows)
    departments = list(range(first_department, first_department + len(department_rows)))
    city_departments = departments[: len(CITY_DEPARTMENTS)]
    district_departments = departments[len(CITY_DEPARTMENTS) :]

    holders = [org for org in organizations if org.pk in rated.ratings]
    everyone = [org for org in organizations if org.ended_on is None]

    def provider(awarded_on: datetime.date, rng: random.Random = rng) -> tuple[int, int | None]:
        for _ in range(30):
            org = rng.choice(holders)
            grade = rated.grade_on(org.pk, awarded_on)
            if grade and grade >= 3 and org.counts_on(awarded_on):
                return org.pk, grade
        org = rng.choice([o for o in everyone if o.registered_on < awarded_on])
        return org.pk, rated.grade_on(org.pk, awarded_on)

    rows = []

    def project(year, amount, status, source=FundingSource.CITY_SPECIAL_FUND, rng=rng):
        announced = _day(datetime.date(year, 2, 1), datetime.date(year, 9, 30), rng)
        title = f"{DEMO_PREFIX}{year}年度{rng.choice(SERVICES)}项目"
        purchaser = rng.choice(district_departments if source == FundingSource.DISTRICT_BUDGET else city_departments)
        if status == ProjectStatus.CANCELLED:
            cancelled = announced + datetime.timedelta(days=rng.randint(5, 40))
            rows.append((title, "", purchaser, year, Decimal(amount), status, announced, None, None, None, False, None,
                         cancelled, f"{DEMO_PREFIX}需求调整，取消采购", "", "", None, True, source))  # fmt: skip
            return
        if status == ProjectStatus.OPEN:
            rows.append((title, "", purchaser, year, Decimal(amount), status, announced, None, None, None, False, None,
                         None, "", "", "", None, True, source))  # fmt: skip
            return
        awarded = announced + datetime.timedelta(days=rng.randint(10, 40))
        org_pk, grade = provider(awarded, rng)
        delivered = None
        if status == ProjectStatus.DELIVERED:
            delivered = min(awarded + datetime.timedelta(days=rng.randint(90, 300)), plan.LAST_DEMO_DATE)
        rows.append((title, "", purchaser, year, Decimal(amount), status, announced, org_pk, awarded, grade,
                     grade is None or grade < 3, delivered, None, "", "", "", None, True, source))  # fmt: skip

    def cap(year: int) -> int:
        return int(ProjectCap.for_year(year).amount)

    for year, (count, total) in plan.PROJECTS_BY_YEAR.items():
        for amount in amounts(context.n(total), context.n(count), cap(year), rng):
            project(
                year, amount, ProjectStatus.DELIVERED if year < 2022 or rng.random() < 0.7 else ProjectStatus.AWARDED
            )
        for _ in range(context.n(plan.PROJECTS_CANCELLED) // len(plan.PROJECTS_BY_YEAR) + 1):
            project(year, rng.randint(MINIMUM // STEP, cap(year) // STEP) * STEP, ProjectStatus.CANCELLED)
    for year, count in plan.PROJECTS_OUTSIDE_WINDOW.items():
        for _ in range(context.n(count)):
            status = ProjectStatus.DELIVERED if year < 2025 else rng.choice([ProjectStatus.AWARDED, ProjectStatus.OPEN])
            project(year, rng.randint(MINIMUM // STEP, cap(year) // STEP) * STEP, status)
    # Projects the city's figure does not count, drawn from their own random source so that the
    # figure's projects are the same whatever is added here.
    other = context.rng("procurement:other-sources")
    for source, by_year, maximum in (
        (FundingSource.DISTRICT_BUDGET, plan.DISTRICT_BUDGET_PROJECTS_BY_YEAR, DISTRICT_MAXIMUM),
        (FundingSource.CITY_BUDGET, plan.CITY_BUDGET_PROJECTS_BY_YEAR, None),
    ):
        for year, count in by_year.items():
            for _ in range(context.n(count)):
                top = maximum or cap(year)
                project(
                    year, other.randint(MINIMUM // STEP, top // STEP) * STEP, ProjectStatus.DELIVERED, source, other
                )
    context.insert(PurchasedServiceProject, PROJECT_COLUMNS, rows)
    context.log(f"purchased-service projects: {len(rows)}")
    _seed_functions(context, departments[: len(CITY_DEPARTMENTS)], everyone, rng)


def _seed_functions(context: DemoContext, departments: list[int], organizations: list, rng: random.Random) -> None:
    """The 109 transferred functions of the reply in two batches (invented items; they do not scale)."""
    rows, receivers = [], []
    for batch, count in plan.TRANSFERRED_FUNCTIONS.items():
        for item in range(1, count + 1):
            category = rng.choice(FunctionCategory.values)
            rows.append((batch, item, f"{DEMO_PREFIX}{rng.choice(names.TOPICS)}行业{rng.choice(FUNCTION_KINDS)}",
                         rng.choice(departments), category, "", True))  # fmt: skip
            receivers.append([org.pk for org in rng.sample(organizations, rng.randint(0, 2))])
    first = context.insert(
        TransferredFunction, ["batch", "item_number", "name", "department", "category", "note", "is_demo"], rows
    )
    through = TransferredFunction.receiving_organizations.through
    links = [(first + index, pk) for index, pks in enumerate(receivers) for pk in pks]
    context.insert(through, ["transferredfunction", "organization"], links)
    context.log(f"transferred functions: {len(rows)}")
