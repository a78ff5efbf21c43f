"""The bounds the API states hold in the models, so the admin's forms refuse what the API refuses: dates
from 1949-10-01 to a year from today, free text within its limit; a filing number never changes and an
organization has one inspection a year, said by the model on the field."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.choices import Role
from core.validators import years_from_today
from registry.choices import OrgType
from registry.models import AnnualReport, Organization
from tests.conftest import make_organization, make_uscc, make_user
from tests.core.conftest import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def new_registration(clerk_browser, **changes):
    uscc = make_uscc(OrgType.FOUNDATION, "330200")
    values = {
        "uscc": uscc,
        "name": "宁波市边界测试基金会",
        "org_type": OrgType.FOUNDATION,
        "registered_by": "330200",
        "registered_on": "2018-08-08",
        **changes,
    }
    data = admin_form_data(clerk_browser.get("/admin/registry/organization/add/"), **values)
    return uscc, clerk_browser.post("/admin/registry/organization/add/", data)


@pytest.mark.parametrize("day", ["1949-09-30", "9999-12-31"])
def test_the_admin_form_refuses_a_date_outside_the_registry_s_range(clerk_browser, day):
    uscc, response = new_registration(clerk_browser, registered_on=day)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "1949-10-01" in str(errors["registered_on"])
    assert not Organization.objects.filter(uscc=uscc).exists()


def test_the_model_takes_the_first_and_the_last_day_of_the_range_and_no_day_beyond(clerk_browser):
    uscc, response = new_registration(clerk_browser, registered_on="1949-10-01")
    assert response.status_code == 302
    organization = Organization.objects.get(uscc=uscc)
    organization.registered_on = years_from_today(1)
    organization.clean_fields()
    organization.registered_on = years_from_today(1) + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        organization.clean_fields()
    assert list(refused.value.message_dict) == ["registered_on"]


def test_the_admin_form_refuses_free_text_beyond_its_limit(clerk_browser):
    uscc, response = new_registration(clerk_browser, address="", supervising_unit="", business_scope="业" * 5001)
    assert response.status_code == 200
    assert "5000" in str(response.context["adminform"].form.errors["business_scope"])
    uscc, response = new_registration(clerk_browser, business_scope="业" * 5000)
    assert response.status_code == 302


def test_the_model_says_an_organization_has_one_report_a_year_on_the_year(clerk_browser):
    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    AnnualReport.objects.create(
        organization=organization, year=2020, submitted_on=datetime.date(2021, 3, 1), result="passed"
    )
    response = clerk_browser.post(
        "/admin/registry/annualreport/add/",
        {
            "organization": organization.pk,
            "year": "2020",
            "submitted_on": "2021-03-02",
            "result": "",
            "reviewed_on": "",
            "remarks": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["year"]
    assert "already has a report" in str(errors["year"]) or "已有" in str(errors["year"])
