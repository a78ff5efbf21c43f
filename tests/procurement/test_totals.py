"""Totals of purchased projects per year and per department, adding up to the four-year total."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procurement import selectors, services
from procurement.choices import FundingSource, ProjectStatus
from procurement.models import PurchasedServiceProject
from tests.conftest import make_organization
from tests.procurement.builders import award, make_department, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/procurement-totals/"
REPLY_DATE = "2023-06-15"

# A spread of the reply's figures (近四年 taken as 2019–2022): 303 projects, 62,892,500 yuan, the
# first year 11.99 million and the last 17.96 million, every project within the cap of its year.
REPLY_SPREAD = {
    2019: [(59, "200000"), (1, "190000")],
    2020: [(74, "200000"), (1, "150000")],
    2021: [(71, "250000"), (25, "9700")],
    2022: [(71, "250000"), (1, "210000")],
}


def load_reply_spread(departments, provider):
    rows = []
    for year, groups in REPLY_SPREAD.items():
        for count, amount in groups:
            for index in range(count):
                rows.append(
                    PurchasedServiceProject(
                        title=f"{year}年项目{index}",
                        purchaser=departments[index % len(departments)],
                        year=year,
                        amount=Decimal(amount),
                        funding_source=FundingSource.CITY_SPECIAL_FUND,
                        status=ProjectStatus.DELIVERED,
                        provider=provider,
                        awarded_on=datetime.date(year, 3, 1),
                        delivered_on=datetime.date(year, 12, 1),
                        grade_at_award=3,
                    )
                )
    PurchasedServiceProject.objects.bulk_create(rows)


def test_the_replys_four_years_add_up(clerk_api):
    departments = [make_department("宁波市民政局"), make_department("宁波市卫生健康委员会")]
    load_reply_spread(departments, make_organization())
    body = clerk_api.get(URL, {"as_of": REPLY_DATE}).json()
    assert (body["year_from"], body["year_until"]) == (2019, 2022)
    assert body["total"] == {"projects": 303, "amount": "62892500.00"}
    by_year = {row["year"]: row for row in body["by_year"]}
    assert by_year[2019]["amount"] == "11990000.00" and by_year[2022]["amount"] == "17960000.00"
    assert sum(row["projects"] for row in body["by_year"]) == 303
    assert sum(Decimal(row["amount"]) for row in body["by_year"]) == Decimal("62892500.00")
    assert sum(row["projects"] for row in body["by_department"]) == 303
    assert sum(Decimal(row["amount"]) for row in body["by_department"]) == Decimal("62892500.00")
    for row in body["by_department"]:
        assert sum(Decimal(cell["amount"]) for cell in row["by_year"]) == Decimal(row["amount"])


def test_totals_count_awarded_and_delivered_projects_only(clerk):
    department = make_department()
    provider = make_organization()
    award(make_project(purchaser=department, year=2020, amount=Decimal("100000")), provider, datetime.date(2020, 3, 1))
    delivered = award(
        make_project(purchaser=department, year=2020, amount=Decimal("50000.50")), provider, datetime.date(2020, 3, 1)
    )
    services.project_deliver(project=delivered, on=datetime.date(2020, 11, 30), actor=clerk)
    make_project(purchaser=department, year=2020, amount=Decimal("70000"))  # open for bids
    cancelled = make_project(purchaser=department, year=2020, amount=Decimal("80000"))
    services.project_cancel(project=cancelled, on=datetime.date(2020, 2, 1), reason="预算调整", actor=clerk)
    totals = selectors.procurement_totals(as_of=datetime.date(2023, 6, 15))
    assert totals["total"] == {"projects": 2, "amount": Decimal("150000.50")}
    assert [row["year"] for row in totals["by_year"]] == [2019, 2020, 2021, 2022]
    assert totals["by_year"][0] == {"year": 2019, "projects": 0, "amount": Decimal("0.00")}


def test_totals_per_department_and_for_one_department(clerk_api):
    civil, health = make_department("宁波市民政局"), make_department("宁波市卫生健康委员会")
    provider = make_organization()
    for department, year, amount in [
        (civil, 2019, "100000"),
        (civil, 2021, "200000"),
        (health, 2021, "250000"),
        (health, 2023, "10000"),
    ]:
        award(
            make_project(purchaser=department, year=year, amount=Decimal(amount)), provider, datetime.date(year, 3, 1)
        )
    body = clerk_api.get(URL, {"as_of": REPLY_DATE}).json()
    assert body["total"] == {"projects": 3, "amount": "550000.00"}
    assert [(row["name"], row["projects"], row["amount"]) for row in body["by_department"]] == [
        ("宁波市民政局", 2, "300000.00"),
        ("宁波市卫生健康委员会", 1, "250000.00"),
    ]
    only_health = clerk_api.get(URL, {"department": health.pk, "as_of": REPLY_DATE, "year_until": 2023}).json()
    assert only_health["department"] == health.pk
    assert only_health["total"] == {"projects": 2, "amount": "260000.00"}
    one_year = clerk_api.get(URL, {"year_from": 2021, "year_until": 2021}).json()
    assert one_year["by_year"] == [{"year": 2021, "projects": 2, "amount": "450000.00"}]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"year_form": 2019}, "year_form"),
        ({"year_from": "2019a"}, "year_from"),
        ({"year_until": 1999}, "year_until"),
        ({"year_from": 2022, "year_until": 2019}, "year_until"),
        ({"department": 999999}, "department"),
        ({"as_of": "2023-02-30"}, "as_of"),
        ({"funding_source": "lottery"}, "funding_source"),
    ],
)
def test_a_bad_totals_query_is_a_400_naming_it(clerk_api, query, field):
    response = clerk_api.get(URL, query)
    assert response.status_code == 400 and field in response.json()


def test_totals_take_one_query_whatever_the_number_of_projects(clerk_api):
    load_reply_spread([make_department(), make_department()], make_organization())
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert clerk_api.get(URL).status_code == 200
    # token (with its user's roles), the grouped totals
    assert len(queries) == 2, [q["sql"] for q in queries.captured_queries]


def test_every_role_reads_the_totals(auditor_api, yinzhou_api):
    assert auditor_api.get(URL).status_code == 200
    assert yinzhou_api.get(URL).status_code == 200


@pytest.mark.parametrize("as_of", ["2023-06-15", "2024-01-01", "2026-12-31"])
def test_the_totals_and_the_statistics_read_the_same_four_years(clerk_api, as_of):
    """One definition of "近四年": the totals' default range is the statistics' window of the same date."""
    totals = clerk_api.get(URL, {"as_of": as_of}).json()
    stats = clerk_api.get("/api/v1/stats/", {"as_of": as_of}).json()["procurement"]["last_four_years"]
    assert f"{totals['year_from']}–{totals['year_until']}" == stats["years"]
    assert [row["year"] for row in totals["by_year"]] == list(range(int(as_of[:4]) - 4, int(as_of[:4])))


def test_without_a_date_the_totals_read_the_four_years_before_today(clerk_api):
    today = timezone.localdate()
    body = clerk_api.get(URL).json()
    assert (body["year_from"], body["year_until"]) == (today.year - 4, today.year - 1)


def test_totals_of_one_funding_source(clerk_api):
    provider = make_organization()
    city, district = make_department("宁波市民政局"), make_department("鄞州区民政局", division="330212")
    award(make_project(purchaser=city, year=2021, amount=Decimal("200000")), provider, datetime.date(2021, 3, 1))
    award(make_project(purchaser=district, year=2021, amount=Decimal("300000")), provider, datetime.date(2021, 3, 1))
    special = clerk_api.get(URL, {"as_of": REPLY_DATE, "funding_source": "city_special_fund"}).json()
    assert special["funding_source"] == "city_special_fund"
    assert special["total"] == {"projects": 1, "amount": "200000.00"}
    assert clerk_api.get(URL, {"as_of": REPLY_DATE}).json()["total"] == {"projects": 2, "amount": "500000.00"}
