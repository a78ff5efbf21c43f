"""The procurement endpoints: access rules, filters, history and constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from procurement import services
from procurement.choices import DemandStatus, ProjectStatus
from procurement.models import Department, PurchasedServiceProject, TransferredFunction
from tests.conftest import make_organization
from tests.procurement.builders import award, make_demand, make_department, make_function, make_project

pytestmark = pytest.mark.django_db
PROJECTS = "/api/v1/purchased-services/"
DEMANDS = "/api/v1/service-demands/"
RESPONSES = "/api/v1/demand-responses/"
FUNCTIONS = "/api/v1/transferred-functions/"
DEPARTMENTS = "/api/v1/departments/"
AWARD_DAY = datetime.date(2022, 3, 1)


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# Access


def test_anonymous_reads_nothing(anonymous_api):
    for url in (PROJECTS, DEMANDS, RESPONSES, FUNCTIONS, DEPARTMENTS, "/api/v1/project-caps/"):
        assert anonymous_api.get(url).status_code == 401
    assert anonymous_api.get("/api/v1/procurement-totals/").status_code == 401


def test_city_projects_are_the_city_bureaus_a_district_reads_but_cannot_write_them(yinzhou_api):
    city = make_department("宁波市民政局")
    project = make_project(purchaser=city)
    assert yinzhou_api.get(f"{PROJECTS}{project.pk}/").status_code == 200
    assert yinzhou_api.patch(f"{PROJECTS}{project.pk}/", {"title": "改名"}, format="json").status_code == 403
    created = yinzhou_api.post(
        PROJECTS, {"title": "x", "purchaser": city.pk, "year": 2022, "amount": "1000"}, format="json"
    )
    assert created.status_code == 403
    assert PurchasedServiceProject.objects.count() == 1


def test_a_district_writes_the_projects_of_its_own_departments_only(yinzhou_api):
    yinzhou = make_department("鄞州区民政局", division="330212")
    haishu = make_department("海曙区民政局", division="330203")
    created = yinzhou_api.post(
        PROJECTS, {"title": "鄞州社区服务", "purchaser": yinzhou.pk, "year": 2022, "amount": "50000"}, format="json"
    )
    assert created.status_code == 201, created.json()
    project_id = created.json()["id"]
    provider = make_organization(registered_by_id="330203")
    awarded = yinzhou_api.post(
        f"{PROJECTS}{project_id}/award/", {"provider": provider.pk, "date": "2022-03-01"}, format="json"
    )
    assert awarded.status_code == 200, awarded.json()
    moved = yinzhou_api.patch(f"{PROJECTS}{project_id}/", {"purchaser": haishu.pk}, format="json")
    assert moved.status_code == 403
    other = make_project(purchaser=haishu)
    assert yinzhou_api.post(f"{PROJECTS}{other.pk}/cancel/", {"date": "2022-02-01", "reason": "x"}).status_code == 403
    other.refresh_from_db()
    assert other.status == ProjectStatus.OPEN


def test_auditors_read_and_change_nothing(auditor_api):
    project = make_project()
    assert auditor_api.get(f"{PROJECTS}{project.pk}/").status_code == 200
    assert auditor_api.patch(f"{PROJECTS}{project.pk}/", {"title": "x"}, format="json").status_code == 403
    assert auditor_api.post(f"{PROJECTS}{project.pk}/cancel/", {"date": "2022-02-01", "reason": "x"}).status_code == 403


def test_delete_is_405_everywhere(clerk_api):
    project = make_project()
    function = make_function()
    demand = make_demand()
    assert clerk_api.delete(f"{PROJECTS}{project.pk}/").status_code == 405
    assert clerk_api.delete(f"{FUNCTIONS}{function.pk}/").status_code == 405
    assert clerk_api.delete(f"{DEMANDS}{demand.pk}/").status_code == 405
    assert clerk_api.delete(f"{DEPARTMENTS}{project.purchaser_id}/").status_code == 405


def test_departments_belong_to_their_level(clerk_api, yinzhou_api):
    created = clerk_api.post(DEPARTMENTS, {"name": "宁波市财政局"}, format="json")
    assert created.status_code == 201 and created.json()["division"] == "330200"
    assert yinzhou_api.post(DEPARTMENTS, {"name": "宁波市教育局"}, format="json").status_code == 403
    own = yinzhou_api.post(DEPARTMENTS, {"name": "鄞州区教育局", "division": "330212"}, format="json")
    assert own.status_code == 201
    assert clerk_api.post(DEPARTMENTS, {"name": "宁波市财政局"}, format="json").status_code == 400
    historical = clerk_api.post(DEPARTMENTS, {"name": "江东区民政局", "division": "330204"}, format="json")
    assert historical.status_code == 400 and "division" in historical.json()


# Filters


def test_project_filters(clerk_api, rate):
    civil = make_department("宁波市民政局")
    health = make_department("宁波市卫生健康委员会")
    haishu_provider = make_organization(registered_by_id="330203", name="海曙区助老服务中心")
    city_provider = make_organization(registered_by_id="330200", domicile_id="330205", name="宁波市心理咨询协会")
    rate(city_provider, 4, datetime.date(2020, 1, 1))
    a = award(make_project(purchaser=civil, year=2021, title="居家养老"), haishu_provider, datetime.date(2021, 3, 1))
    b = award(make_project(purchaser=health, year=2022, title="心理援助热线"), city_provider, AWARD_DAY)
    c = make_project(purchaser=civil, year=2022, title="社区治理")
    assert ids(clerk_api.get(PROJECTS, {"year": 2021})) == {a.pk}
    assert ids(clerk_api.get(PROJECTS, {"year_from": 2022, "year_until": 2022})) == {b.pk, c.pk}
    assert ids(clerk_api.get(PROJECTS, {"department": civil.pk})) == {a.pk, c.pk}
    assert ids(clerk_api.get(PROJECTS, {"provider": city_provider.pk})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"district": "330203"})) == {a.pk}
    assert ids(clerk_api.get(PROJECTS, {"district": "330200"})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"provider_domicile": "330205"})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"status": "open"})) == {c.pk}
    assert ids(clerk_api.get(PROJECTS, {"status": "awarded"})) == {a.pk, b.pk}
    assert ids(clerk_api.get(PROJECTS, {"below_priority": "true"})) == {a.pk}
    assert ids(clerk_api.get(PROJECTS, {"below_priority": "false"})) == {b.pk, c.pk}
    assert ids(clerk_api.get(PROJECTS, {"q": "心理"})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"q": "助老"})) == {a.pk}
    assert ids(clerk_api.get(PROJECTS, {"q": "卫生健康"})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"awarded_from": "2022-01-01"})) == {b.pk}
    assert ids(clerk_api.get(PROJECTS, {"cap_exception": "false"})) == {a.pk, b.pk, c.pk}
    ordered = clerk_api.get(PROJECTS, {"ordering": "year,id"}).json()["results"]
    assert [row["id"] for row in ordered] == [a.pk, b.pk, c.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"yaer": 2022},
        {"year": "2022x"},
        {"year": 1999},
        {"below_priority": "maybe"},
        {"status": "won"},
        {"department": 999999},
        {"ordering": "title"},
    ],
)
def test_a_bad_filter_is_a_400_naming_it(clerk_api, query):
    response = clerk_api.get(PROJECTS, query)
    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_last_updated_from_is_inclusive(clerk_api):
    project = make_project()
    assert project.pk in ids(clerk_api.get(PROJECTS, {"last_updated_from": project.last_updated.isoformat()}))
    later = (project.last_updated + datetime.timedelta(seconds=1)).isoformat()
    assert project.pk not in ids(clerk_api.get(PROJECTS, {"last_updated_from": later}))


# Demands (点单) and responses (接单)


def test_a_demand_taken_by_an_organization_leads_to_its_project(clerk_api):
    department = make_department("宁波市民政局")
    organization = make_organization(name="宁波市社会工作协会")
    demand = clerk_api.post(
        DEMANDS,
        {"department": department.pk, "title": "社区工作者培训", "published_on": "2022-01-05"},
        format="json",
    )
    assert demand.status_code == 201, demand.json()
    assert demand.json()["status"] == DemandStatus.OPEN
    demand_id = demand.json()["id"]
    early = clerk_api.post(
        RESPONSES, {"demand": demand_id, "organization": organization.pk, "responded_on": "2022-01-04"}, format="json"
    )
    assert early.status_code == 400 and "responded_on" in early.json()
    taken = clerk_api.post(
        RESPONSES, {"demand": demand_id, "organization": organization.pk, "responded_on": "2022-01-10"}, format="json"
    )
    assert taken.status_code == 201, taken.json()
    twice = clerk_api.post(
        RESPONSES, {"demand": demand_id, "organization": organization.pk, "responded_on": "2022-01-11"}, format="json"
    )
    assert twice.status_code == 400
    response_id = taken.json()["id"]
    project = make_project(purchaser=department, title="社区工作者培训项目")
    not_yet = clerk_api.patch(f"{RESPONSES}{response_id}/", {"project": project.pk}, format="json")
    assert not_yet.status_code == 400 and "project" in not_yet.json()
    accepted = clerk_api.post(f"{RESPONSES}{response_id}/accept/", {"date": "2022-01-20"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["accepted"] is True
    assert clerk_api.get(f"{DEMANDS}{demand_id}/").json()["status"] == DemandStatus.MATCHED
    linked = clerk_api.patch(f"{RESPONSES}{response_id}/", {"project": project.pk}, format="json")
    assert linked.status_code == 200, linked.json()
    assert clerk_api.get(f"{PROJECTS}{project.pk}/").json()["demand"] == demand_id
    other = make_organization()
    wrong = clerk_api.post(
        f"{PROJECTS}{project.pk}/award/", {"provider": other.pk, "date": "2022-03-01"}, format="json"
    )
    assert wrong.status_code == 400 and organization.name in " ".join(wrong.json()["provider"])
    right = clerk_api.post(
        f"{PROJECTS}{project.pk}/award/", {"provider": organization.pk, "date": "2022-03-01"}, format="json"
    )
    assert right.status_code == 200, right.json()
    moved = clerk_api.patch(f"{RESPONSES}{response_id}/", {"organization": other.pk}, format="json")
    assert moved.status_code == 400 and "organization" in moved.json()


def test_a_response_to_an_awarded_project_must_come_from_its_provider(clerk):
    department = make_department()
    provider = make_organization()
    other = make_organization()
    demand = make_demand(department=department)
    project = award(make_project(purchaser=department), provider, AWARD_DAY)
    from core.services import instance_save
    from procurement.models import DemandResponse

    response = instance_save(
        instance=DemandResponse(demand=demand, organization=other, responded_on=datetime.date(2022, 3, 2))
    )
    services.demand_response_accept(response=response, on=datetime.date(2022, 3, 3), actor=clerk)
    response.refresh_from_db()
    response.project = project
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        instance_save(instance=response)
    assert "project" in caught.value.message_dict


def test_an_inactive_organization_cannot_respond(clerk_api, clerk):
    from registry import services as registry_services

    organization = make_organization()
    registry_services.organization_deregister(
        organization=organization, on=datetime.date(2021, 12, 31), reason="解散", actor=clerk
    )
    demand = make_demand()
    response = clerk_api.post(
        RESPONSES, {"demand": demand.pk, "organization": organization.pk, "responded_on": "2022-03-05"}, format="json"
    )
    assert response.status_code == 400 and "organization" in response.json()


def test_closing_a_demand_and_reopening_it(clerk_api):
    demand = make_demand()
    url = f"{DEMANDS}{demand.pk}/"
    assert clerk_api.post(url + "close/", {"date": "2022-02-28"}, format="json").status_code == 400
    closed = clerk_api.post(url + "close/", {"date": "2022-06-30", "reason": "需求已撤回"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == DemandStatus.CLOSED
    late = clerk_api.post(
        RESPONSES,
        {"demand": demand.pk, "organization": make_organization().pk, "responded_on": "2022-07-01"},
        format="json",
    )
    assert late.status_code == 400 and "demand" in late.json()
    reopened = clerk_api.post(url + "reinstate/", {"reason": "误关闭"}, format="json")
    assert reopened.json()["status"] == DemandStatus.OPEN


def test_demand_filters(clerk_api):
    civil = make_department()
    a = make_demand(department=civil, title="助餐服务", published_on=datetime.date(2021, 5, 1))
    b = make_demand(title="法律援助", published_on=datetime.date(2022, 5, 1))
    assert ids(clerk_api.get(DEMANDS, {"department": civil.pk})) == {a.pk}
    assert ids(clerk_api.get(DEMANDS, {"published_from": "2022-01-01"})) == {b.pk}
    assert ids(clerk_api.get(DEMANDS, {"q": "助餐"})) == {a.pk}
    assert ids(clerk_api.get(DEMANDS, {"status": "open"})) == {a.pk, b.pk}


# Transferred functions (政府转移职能)


def test_transferred_functions_with_their_receiving_organizations(clerk_api, clerk):
    department = make_department("宁波市商务局")
    first, second = make_organization(name="宁波市电子商务协会"), make_organization(name="宁波市会展业协会")
    created = clerk_api.post(
        FUNCTIONS,
        {
            "batch": 1,
            "item_number": 12,
            "name": "行业发展报告编制",
            "department": department.pk,
            "category": "industry",
            "receiving_organizations": [first.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    function_id = created.json()["id"]
    assert created.json()["receiving_organizations"] == [first.pk]
    changed = clerk_api.patch(
        f"{FUNCTIONS}{function_id}/", {"receiving_organizations": [first.pk, second.pk]}, format="json"
    )
    assert sorted(changed.json()["receiving_organizations"]) == sorted([first.pk, second.pk])
    history = ChangeRecord.objects.filter(
        content_type__model="transferredfunction", object_id=function_id, changes__has_key="receiving_organizations"
    )
    assert history.exists()
    latest = history.order_by("-id").first()
    assert latest.changes["receiving_organizations"][1] == sorted([first.pk, second.pk])
    assert latest.actor == clerk
    duplicate = clerk_api.post(
        FUNCTIONS,
        {"batch": 1, "item_number": 12, "name": "重复", "department": department.pk, "category": "industry"},
        format="json",
    )
    assert duplicate.status_code == 400
    no_batch = clerk_api.post(
        FUNCTIONS,
        {"batch": 0, "item_number": 1, "name": "无批次", "department": department.pk, "category": "industry"},
        format="json",
    )
    assert no_batch.status_code == 400 and "batch" in no_batch.json()
    assert ids(clerk_api.get(FUNCTIONS, {"organization": second.pk})) == {function_id}
    assert ids(clerk_api.get(FUNCTIONS, {"category": "social_affairs"})) == set()
    assert ids(clerk_api.get(FUNCTIONS, {"batch": 1, "department": department.pk})) == {function_id}


def test_a_change_of_receivers_is_recorded_once():
    function = make_function()
    function.receiving_organizations.add(make_organization())
    records = ChangeRecord.objects.filter(
        content_type__model="transferredfunction", object_id=function.pk, changes__has_key="receiving_organizations"
    )
    assert records.count() == 1


def test_changing_receivers_from_the_organizations_side_is_recorded_too():
    function = make_function()
    organization = make_organization()
    organization.transferred_functions.add(function)
    record = ChangeRecord.objects.filter(content_type__model="transferredfunction", object_id=function.pk).latest("id")
    assert record.changes["receiving_organizations"] == [[], [organization.pk]]


def test_changing_receivers_moves_last_updated_for_incremental_sync():
    function = make_function()
    before = TransferredFunction.objects.get(pk=function.pk).last_updated
    function.receiving_organizations.add(make_organization())
    assert TransferredFunction.objects.get(pk=function.pk).last_updated > before


def test_transferred_functions_are_city_records_a_district_reads_but_never_writes(yinzhou_api):
    own_department = make_department("鄞州区发展和改革局", division="330212")
    function = make_function(department=own_department)
    assert yinzhou_api.get(f"{FUNCTIONS}{function.pk}/").status_code == 200
    body = {"batch": 2, "item_number": 1, "name": "区级试点", "department": own_department.pk, "category": "industry"}
    assert yinzhou_api.post(FUNCTIONS, body, format="json").status_code == 403
    assert yinzhou_api.patch(f"{FUNCTIONS}{function.pk}/", {"note": "x"}, format="json").status_code == 403
    assert TransferredFunction.objects.count() == 1


def test_a_district_cannot_change_the_receivers_of_a_city_function(yinzhou_api):
    function = make_function()
    organization = make_organization()
    response = yinzhou_api.patch(
        f"{FUNCTIONS}{function.pk}/", {"receiving_organizations": [organization.pk]}, format="json"
    )
    assert response.status_code == 403
    assert not TransferredFunction.objects.get(pk=function.pk).receiving_organizations.exists()


# Constant query counts


def assert_constant_queries(client, url, build, expected):
    build()
    client.get(url)  # the first use of a token records last_used; later ones do not write
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(20):
        build()
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).json()
    assert body["count"] == 21
    assert len(one) == len(many), [q["sql"] for q in many.captured_queries]
    assert len(many) == expected, [q["sql"] for q in many.captured_queries]


def test_project_list_queries_are_constant(clerk_api):
    department = make_department()

    def build():
        project = make_project(purchaser=department)
        award(project, make_organization(), AWARD_DAY)

    # token (with its user's roles), count, page (purchaser, provider, demand and cap in the same query)
    assert_constant_queries(clerk_api, PROJECTS, build, 3)


def test_demand_list_queries_are_constant(clerk_api):
    department = make_department()
    assert_constant_queries(clerk_api, DEMANDS, lambda: make_demand(department=department), 3)


def test_response_list_queries_are_constant(clerk_api):
    demand = make_demand()
    from core.services import instance_save
    from procurement.models import DemandResponse

    def build():
        instance_save(
            instance=DemandResponse(demand=demand, organization=make_organization(), responded_on=demand.published_on)
        )

    assert_constant_queries(clerk_api, RESPONSES, build, 3)


def test_function_list_queries_are_constant(clerk_api):
    department = make_department()

    def build():
        make_function(department=department).receiving_organizations.set([make_organization(), make_organization()])

    # token (with its user's roles), count, page, receiving organizations (one prefetch for the page)
    assert_constant_queries(clerk_api, FUNCTIONS, build, 4)


def test_department_and_cap_lists_queries_are_constant(clerk_api):
    assert_constant_queries(clerk_api, DEPARTMENTS, lambda: make_department(), 3)
    clerk_api.get("/api/v1/project-caps/")
    with CaptureQueriesContext(connection) as caps:
        assert clerk_api.get("/api/v1/project-caps/").status_code == 200
    assert len(caps) == 3  # token (with its user's roles), count, page


def test_amounts_are_decimal_strings(clerk_api):
    project = make_project(amount=Decimal("123456.70"))
    assert clerk_api.get(f"{PROJECTS}{project.pk}/").json()["amount"] == "123456.70"


def test_departments_are_listed_and_filtered(clerk_api):
    city = make_department("宁波市文化广电旅游局")
    district = make_department("北仑区民政局", division="330206")
    assert ids(clerk_api.get(DEPARTMENTS, {"district": "330206"})) == {district.pk}
    assert ids(clerk_api.get(DEPARTMENTS, {"q": "文化"})) == {city.pk}
    assert Department.objects.get(pk=district.pk).jurisdiction_district() == "330206"


def test_a_third_batch_of_transferred_functions_is_accepted(clerk_api):
    """The reply's two batches are data: a later batch is another number."""
    department = make_department("宁波市民政局")
    body = {"batch": 3, "item_number": 1, "name": "第三批事项", "department": department.pk, "category": "industry"}
    created = clerk_api.post(FUNCTIONS, body, format="json")
    assert created.status_code == 201, created.json()
    assert ids(clerk_api.get(FUNCTIONS, {"batch": 3})) == {created.json()["id"]}
