import datetime
from decimal import Decimal

import pytest

from core.choices import Role
from procurement.choices import ProjectStatus
from procurement.models import PurchasedServiceProject
from tests.conftest import make_organization, make_user
from tests.procurement.builders import award, make_demand, make_department, make_function, make_project

pytestmark = pytest.mark.django_db
PROJECTS = "/admin/procurement/purchasedserviceproject/"


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


@pytest.fixture
def auditor_browser(client):
    client.force_login(make_user(Role.AUDITOR))
    return client


def test_every_procurement_page_renders_in_chinese(clerk_browser):
    project = award(make_project(title="居家养老服务"), make_organization(), datetime.date(2022, 3, 1))
    function = make_function(name="行业标准制定")
    demand = make_demand(title="社区助餐")
    listing = clerk_browser.get(PROJECTS).content.decode()
    assert "居家养老服务" in listing and "政府购买服务项目" in listing
    assert "已签约" in listing
    for url in [
        f"{PROJECTS}add/",
        f"{PROJECTS}{project.pk}/change/",
        "/admin/procurement/transferredfunction/",
        f"/admin/procurement/transferredfunction/{function.pk}/change/",
        "/admin/procurement/servicedemand/",
        f"/admin/procurement/servicedemand/{demand.pk}/change/",
        "/admin/procurement/demandresponse/",
        "/admin/procurement/department/",
        "/admin/procurement/projectcap/",
        "/admin/procurement/",
    ]:
        response = clerk_browser.get(url)
        assert response.status_code == 200, url
    change = clerk_browser.get(f"{PROJECTS}{project.pk}/change/").content.decode()
    assert "单个项目购买金额上限" in change and "签约时承接主体评估等级" in change
    assert "转移职能" in clerk_browser.get("/admin/procurement/").content.decode()


def test_the_add_form_refuses_an_amount_over_the_cap_naming_it(clerk_browser):
    department = make_department()
    response = clerk_browser.post(
        f"{PROJECTS}add/", {"title": "超额项目", "purchaser": department.pk, "year": 2021, "amount": "250000.01"}
    )
    assert response.status_code == 200
    assert "250,000.00" in response.content.decode()
    assert not PurchasedServiceProject.objects.exists()


def test_the_award_action_asks_for_the_provider_then_records_the_grade(clerk_browser, rate):
    provider = make_organization()
    rate(provider, 4, datetime.date(2020, 1, 1))
    project = make_project()
    form = clerk_browser.post(PROJECTS, {"action": "project_award", "_selected_action": [project.pk]})
    assert form.status_code == 200 and "统一社会信用代码" in form.content.decode()
    done = clerk_browser.post(
        PROJECTS,
        {
            "action": "project_award",
            "_selected_action": [project.pk],
            "apply": "1",
            "provider": provider.uscc.lower(),
            "date": "2022-03-01",
            "amount": "",
            "reason": "公开招标",
        },
    )
    assert done.status_code in (200, 302)
    project.refresh_from_db()
    assert project.status == ProjectStatus.AWARDED and project.provider == provider and project.grade_at_award == 4


def test_a_refused_award_in_the_admin_says_why_and_changes_nothing(clerk_browser):
    project = make_project(year=2022, amount=Decimal("250000"))
    done = clerk_browser.post(
        PROJECTS,
        {
            "action": "project_award",
            "_selected_action": [project.pk],
            "apply": "1",
            "provider": make_organization().uscc,
            "date": "2022-03-01",
            "amount": "260000",
            "reason": "",
        },
        follow=True,
    )
    assert "250,000.00" in done.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPEN


def test_the_changelist_sums_the_filtered_list_and_links_the_totals(clerk_browser):
    department = make_department()
    provider = make_organization()
    award(make_project(purchaser=department, year=2021, amount=Decimal("200000")), provider, datetime.date(2021, 3, 1))
    award(make_project(purchaser=department, year=2022, amount=Decimal("150000")), provider, datetime.date(2022, 3, 1))
    make_project(purchaser=department, year=2022)
    text = clerk_browser.get(PROJECTS, {"year": 2022}).content.decode()
    assert "2 个项目" in text and "150,000.00" in text
    assert "按年度、部门汇总" in text and "registry-export" in text  # the totals link beside the export buttons
    totals = clerk_browser.get(f"{PROJECTS}totals/")
    assert totals.status_code == 200
    assert "近四年" in totals.content.decode()
    reply_years = clerk_browser.get(f"{PROJECTS}totals/", {"year_from": 2019, "year_until": 2022, "department": ""})
    assert "350,000.00" in reply_years.content.decode()
    narrowed = clerk_browser.get(f"{PROJECTS}totals/", {"year_from": 2022, "year_until": 2022, "department": ""})
    assert "150,000.00" in narrowed.content.decode()
    bad = clerk_browser.get(f"{PROJECTS}totals/", {"year_from": 2023, "year_until": 2019})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()


def test_auditors_read_the_admin_and_change_nothing(auditor_browser):
    project = make_project()
    assert auditor_browser.get(PROJECTS).status_code == 200
    assert auditor_browser.get(f"{PROJECTS}totals/").status_code == 200
    assert auditor_browser.get(f"{PROJECTS}add/").status_code == 403
    response = auditor_browser.post(f"{PROJECTS}{project.pk}/change/", {"title": "改名"})
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title != "改名"


def test_district_accounts_have_no_admin(client):
    client.force_login(make_user(Role.DISTRICT, district="330212"))
    assert client.get(PROJECTS).status_code in (302, 403)
    assert client.get(f"{PROJECTS}totals/").status_code in (302, 403)


def test_the_departments_level_filter_offers_only_divisions_with_departments(clerk_browser):
    make_department()
    make_department(division="330212")
    text = clerk_browser.get("/admin/procurement/department/").content.decode()
    assert "division__code__exact=" in text and "江东区" not in text and "奉化市" not in text
