"""The per-project cap of the year (原则上不超过20万, 25万 from 2021), and recorded exceptions to it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from core.services import instance_save
from procurement.models import ProjectCap, PurchasedServiceProject
from tests.procurement.builders import make_department, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/purchased-services/"


@pytest.fixture
def city_department():
    return make_department("宁波市民政局")


def payload(department, **fields):
    data = {"title": "社区居家养老服务项目", "purchaser": department.pk, "year": 2021, "amount": "250000.00"}
    data.update(fields)
    return data


def test_the_seeded_caps_are_the_replys():
    caps = list(ProjectCap.objects.order_by("effective_from").values_list("effective_from", "amount"))
    assert caps == [
        (datetime.date(2017, 1, 1), Decimal("200000.00")),
        (datetime.date(2021, 1, 1), Decimal("250000.00")),
    ]
    assert "宁波市政府向社会组织购买服务专项资金管理办法" in ProjectCap.for_year(2021).policy
    assert "2021年修订" in ProjectCap.for_year(2021).policy


def test_exactly_250000_is_allowed_in_2021(clerk_api, city_department):
    response = clerk_api.post(URL, payload(city_department, amount="250000.00"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["cap"] == "250000.00" and response.json()["over_cap"] is False


def test_250000_01_is_refused_in_2021_naming_amount_and_cap(clerk_api, city_department):
    response = clerk_api.post(URL, payload(city_department, amount="250000.01"), format="json")
    assert response.status_code == 400
    message = " ".join(response.json()["amount"])
    assert "250,000.00" in message and "250,000.01" in message and "2021" in message
    assert not PurchasedServiceProject.objects.exists()


def test_200001_is_refused_in_2020_and_200000_allowed(clerk_api, city_department):
    refused = clerk_api.post(URL, payload(city_department, year=2020, amount="200001"), format="json")
    assert refused.status_code == 400
    assert "200,000.00" in " ".join(refused.json()["amount"])
    allowed = clerk_api.post(URL, payload(city_department, year=2020, amount="200000"), format="json")
    assert allowed.status_code == 201, allowed.json()
    assert allowed.json()["cap"] == "200000.00"


def test_the_cap_applies_when_the_amount_is_changed_later(clerk_api, city_department):
    project = make_project(purchaser=city_department, year=2020, amount=Decimal("150000"))
    response = clerk_api.patch(f"{URL}{project.pk}/", {"amount": "200000.01"}, format="json")
    assert response.status_code == 400 and "amount" in response.json()
    moved = clerk_api.patch(f"{URL}{project.pk}/", {"year": 2019, "amount": "210000"}, format="json")
    assert moved.status_code == 400 and "amount" in moved.json()


def test_an_approved_exception_allows_more_than_the_cap(clerk_api, city_department):
    response = clerk_api.post(
        URL,
        payload(
            city_department,
            amount="250000.01",
            cap_exception_approved_by="市财政局 王局长",
            cap_exception_reason="跨区县联合项目，经市财政局专题会议批准",
            cap_exception_approved_on="2021-03-02",
        ),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["over_cap"] is True
    assert response.json()["cap_exception_approved_by"] == "市财政局 王局长"


@pytest.mark.parametrize(
    "given",
    [
        {"cap_exception_approved_by": "市财政局 王局长"},
        {"cap_exception_approved_by": "市财政局 王局长", "cap_exception_reason": "专题会议批准"},
        {"cap_exception_reason": "专题会议批准", "cap_exception_approved_on": "2021-03-02"},
    ],
)
def test_an_incomplete_exception_is_refused_naming_what_is_missing(clerk_api, city_department, given):
    response = clerk_api.post(URL, payload(city_department, amount="250000.01", **given), format="json")
    assert response.status_code == 400
    missing = {
        "cap_exception_approved_by",
        "cap_exception_reason",
        "cap_exception_approved_on",
    } - set(given)
    assert missing <= set(response.json())


def test_an_exception_approved_in_the_future_is_refused(clerk_api, city_department):
    future = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    exception = {
        "cap_exception_approved_by": "市财政局 王局长",
        "cap_exception_reason": "专题会议批准",
        "cap_exception_approved_on": future,
    }
    response = clerk_api.post(URL, payload(city_department, amount="250000.01", **exception), format="json")
    assert response.status_code == 400 and "cap_exception_approved_on" in response.json()


def test_a_year_without_a_recorded_cap_is_refused_naming_the_year(clerk_api, city_department):
    response = clerk_api.post(URL, payload(city_department, year=2016, amount="1000"), format="json")
    assert response.status_code == 400 and "2016" in " ".join(response.json()["year"])


def test_amount_must_be_positive_with_at_most_two_decimals(clerk_api, city_department):
    assert "amount" in clerk_api.post(URL, payload(city_department, amount="0"), format="json").json()
    assert "amount" in clerk_api.post(URL, payload(city_department, amount="-5"), format="json").json()
    assert "amount" in clerk_api.post(URL, payload(city_department, amount="100.001"), format="json").json()


def test_a_cap_taking_effect_during_a_year_is_the_cap_of_that_year(city_department):
    instance_save(
        instance=ProjectCap(effective_from=datetime.date(2024, 7, 1), amount=Decimal("300000"), policy="测试办法")
    )
    assert ProjectCap.for_year(2024).amount == Decimal("300000")
    assert ProjectCap.for_year(2023).amount == Decimal("250000")
    make_project(purchaser=city_department, year=2024, amount=Decimal("300000"))
    with pytest.raises(ValidationError) as caught:
        make_project(purchaser=city_department, year=2023, amount=Decimal("300000"))
    assert "amount" in caught.value.message_dict


def test_caps_are_read_only_in_the_api(clerk_api):
    listing = clerk_api.get("/api/v1/project-caps/")
    assert listing.status_code == 200 and listing.json()["count"] == 2
    assert clerk_api.post("/api/v1/project-caps/", {"amount": "1"}, format="json").status_code == 405
    cap = ProjectCap.objects.first()
    assert clerk_api.patch(f"/api/v1/project-caps/{cap.pk}/", {"amount": "1"}, format="json").status_code == 405


def test_the_database_refuses_a_non_positive_amount_that_bypasses_validation(city_department):
    project = make_project(purchaser=city_department)
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchasedServiceProject.objects.filter(pk=project.pk).update(amount=Decimal("0"))


# The cap is a rule of the city special fund (docs/decisions/0150-caps-bind-the-city-special-fund.md)


def test_a_district_departments_project_above_the_cap_needs_no_exception(yinzhou_api):
    department = make_department("鄞州区民政局", division="330212")
    response = yinzhou_api.post(URL, payload(department, year=2022, amount="380000.00"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["funding_source"] == "district_budget"
    assert body["cap"] is None and body["over_cap"] is None


def test_a_city_special_fund_project_above_the_cap_needs_an_exception(clerk_api, city_department):
    body = payload(city_department, year=2022, amount="380000.00", funding_source="city_special_fund")
    refused = clerk_api.post(URL, body, format="json")
    assert refused.status_code == 400 and "250,000.00" in " ".join(refused.json()["amount"])
    exception = {
        "cap_exception_approved_by": "市财政局",
        "cap_exception_reason": "跨年度综合服务项目",
        "cap_exception_approved_on": "2022-03-01",
    }
    allowed = clerk_api.post(URL, {**body, **exception}, format="json")
    assert allowed.status_code == 201, allowed.json()
    assert allowed.json()["over_cap"] is True


def test_a_city_departments_project_defaults_to_the_special_fund(clerk_api, city_department):
    response = clerk_api.post(URL, payload(city_department, amount="250000.01"), format="json")
    assert response.status_code == 400 and "amount" in response.json()
    created = clerk_api.post(URL, payload(city_department), format="json")
    assert created.json()["funding_source"] == "city_special_fund"


def test_other_city_budget_is_not_held_to_the_special_funds_cap(clerk_api, city_department):
    body = payload(city_department, year=2022, amount="300000.00", funding_source="city_budget")
    response = clerk_api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()


def test_a_city_department_has_no_district_budget(clerk_api, city_department):
    response = clerk_api.post(URL, payload(city_department, funding_source="district_budget"), format="json")
    assert response.status_code == 400 and "funding_source" in response.json()


def test_the_database_refuses_a_project_without_a_funding_source(city_department):
    project = make_project(purchaser=city_department)
    with pytest.raises(IntegrityError), transaction.atomic():
        PurchasedServiceProject._base_manager.filter(pk=project.pk).update(funding_source="")


@pytest.mark.restores_baseline
def test_the_migration_gives_recorded_projects_the_source_their_purchaser_implies(baseline_kept):
    executor = MigrationExecutor(connection)
    before, after = (
        [("procurement", "0003_transferred_function_batches_unbounded")],
        [("procurement", "0004_project_funding_source")],
    )
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Department = old.get_model("procurement", "Department")
    Project = old.get_model("procurement", "PurchasedServiceProject")
    city = Project.objects.create(
        title="市级项目", purchaser=Department.objects.create(name="宁波市民政局"), year=2021, amount=Decimal("120000")
    )
    district = Project.objects.create(
        title="区级项目",
        purchaser=Department.objects.create(name="北仑区民政局", division_id="330206"),
        year=2022,
        amount=Decimal("390000"),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = dict(PurchasedServiceProject.objects.values_list("pk", "funding_source"))
    assert rows == {city.pk: "city_special_fund", district.pk: "district_budget"}
    assert PurchasedServiceProject.objects.get(pk=district.pk).amount == Decimal("390000.00")
