"""Registration events (DESIGN §9): written from the change history whenever a registered fact changes,
through any door; listed read-only at `registration-events/` and exported like every list."""

import datetime

import pytest

from core.choices import Role
from core.context import change_context
from registry import services
from registry.choices import RegistrationEventKind
from registry.events import registration_details
from registry.models import Organization, RegistrationEvent
from tests.conftest import api_client_for, make_organization, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/registration-events/"


def events_of(organization, kind=None):
    events = RegistrationEvent.objects.filter(organization=organization)
    return list(events.filter(kind=kind) if kind else events)


def test_a_name_change_through_the_api_writes_a_changed_event_with_old_and_new_name():
    organization = make_organization(registered_by_id="330212", name="鄞州区测试协会")
    client = api_client_for(make_user(Role.DISTRICT, district="330212", staff=False))
    response = client.patch(f"/api/v1/organizations/{organization.pk}/", {"name": "鄞州区测试联合会"}, format="json")
    assert response.status_code == 200, response.content
    [event] = events_of(organization, RegistrationEventKind.CHANGED)
    assert event.before == {"name": "鄞州区测试协会"} and event.after == {"name": "鄞州区测试联合会"}
    listed = client.get(URL, {"organization": organization.pk, "kind": "changed"}).json()
    assert listed["count"] == 1 and listed["results"][0]["after"] == {"name": "鄞州区测试联合会"}


def test_a_change_of_registered_funds_is_a_changed_event_with_both_amounts():
    organization = make_organization(registered_by_id="330212")
    client = api_client_for(make_user(Role.CLERK))
    first = client.patch(f"/api/v1/organizations/{organization.pk}/", {"registered_funds": "30000"}, format="json")
    assert first.status_code == 200 and first.json()["registered_funds"] == "30000.00"
    client.patch(f"/api/v1/organizations/{organization.pk}/", {"registered_funds": "100000.50"}, format="json")
    *_, event = events_of(organization, RegistrationEventKind.CHANGED)
    assert (event.before, event.after) == ({"registered_funds": "30000.00"}, {"registered_funds": "100000.50"})
    refused = client.patch(f"/api/v1/organizations/{organization.pk}/", {"registered_funds": "-1"}, format="json")
    assert refused.status_code == 400 and "registered_funds" in refused.json()


def test_a_new_organization_is_established_on_its_registration_date():
    organization = make_organization(registered_by_id="330212", registered_on=datetime.date(2019, 4, 1))
    [event] = events_of(organization)
    assert (event.kind, event.date) == (RegistrationEventKind.ESTABLISHED, datetime.date(2019, 4, 1))
    assert event.after["name"] == organization.name


def test_a_change_that_is_no_registered_fact_writes_no_event():
    organization = make_organization(registered_by_id="330212")
    organization.address = "测试路1号"
    organization.save()
    assert [event.kind for event in events_of(organization)] == [RegistrationEventKind.ESTABLISHED]


def test_a_queryset_update_writes_the_event_too():
    organization = make_organization(registered_by_id="330212", supervising_unit="甲局")
    Organization.objects.filter(pk=organization.pk).update(supervising_unit="乙局")
    [event] = events_of(organization, RegistrationEventKind.CHANGED)
    assert (event.before, event.after) == ({"supervising_unit": "甲局"}, {"supervising_unit": "乙局"})


def test_the_date_and_approval_number_given_by_the_clerk_are_kept():
    organization = make_organization(registered_by_id="330212")
    with registration_details(on=datetime.date(2024, 3, 1), approval_number="甬民登变〔2024〕5号"):
        organization.business_scope = "新的业务范围"
        organization.save()
    [event] = events_of(organization, RegistrationEventKind.CHANGED)
    assert (event.date, event.approval_number) == (datetime.date(2024, 3, 1), "甬民登变〔2024〕5号")


def test_deregistration_and_reinstatement_are_events():
    organization = make_organization(registered_by_id="330212", registered_on=datetime.date(2019, 4, 1))
    clerk = make_user(Role.CLERK)
    on = datetime.date(2023, 1, 2)
    services.organization_deregister(organization=organization, on=on, reason="解散", actor=clerk)
    with change_context(actor=clerk):
        services.organization_reinstate(organization=organization, reason="误登记", actor=clerk)
    kinds = [(event.kind, event.reason) for event in events_of(organization)]
    assert kinds == [
        (RegistrationEventKind.ESTABLISHED, ""),
        (RegistrationEventKind.DEREGISTERED, "解散"),
        (RegistrationEventKind.REINSTATED, "误登记"),
    ]


def test_a_change_through_bulk_sync_writes_the_event():
    organization = make_organization(registered_by_id="330212")
    client = api_client_for(make_user(Role.CLERK))
    row = {
        "uscc": organization.uscc,
        "name": "批量改名协会",
        "org_type": organization.org_type,
        "registered_by": "330212",
        "registered_on": organization.registered_on.isoformat(),
    }
    response = client.post("/api/v1/organizations/bulk/", [row], format="json")
    assert response.status_code == 200, response.content
    [event] = events_of(organization, RegistrationEventKind.CHANGED)
    assert event.after == {"name": "批量改名协会"}


def test_the_events_list_filters_by_date_and_refuses_unknown_parameters(django_assert_max_num_queries):
    for year in (2018, 2019, 2020):
        make_organization(registered_by_id="330212", registered_on=datetime.date(year, 5, 1))
    client = api_client_for(make_user(Role.AUDITOR))
    with django_assert_max_num_queries(6):
        body = client.get(URL, {"from": "2019-01-01", "until": "2019-12-31"}).json()
    assert body["count"] == 1 and body["results"][0]["date"] == "2019-05-01"
    assert client.get(URL, {"since": "2019-01-01"}).status_code == 400
    assert api_client_for(make_user(Role.CLERK)).post(URL, {}, format="json").status_code == 405


def test_the_events_list_exports_to_csv():
    organization = make_organization(registered_by_id="330212", name="导出测试协会")
    response = api_client_for(make_user(Role.AUDITOR)).get(URL, {"format": "csv", "organization": organization.pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2


def test_the_organizations_admin_page_shows_its_event_timeline(client):
    organization = make_organization(registered_by_id="330212", name="时间线测试协会")
    organization.name = "时间线测试联合会"
    organization.save()
    client.force_login(make_user(Role.AUDITOR))
    page = client.get(f"/admin/registry/organization/{organization.pk}/change/").content.decode()
    assert "时间线测试协会" in page and "变更登记" in page


def test_a_clerk_gives_the_approval_number_and_date_of_a_change_in_the_admin(client):
    from tests.core.conftest import admin_form_data

    organization = make_organization(registered_by_id="330212", name="后台改名测试协会")
    client.force_login(make_user(Role.CLERK))
    url = f"/admin/registry/organization/{organization.pk}/change/"
    data = admin_form_data(
        client.get(url),
        name="后台改名测试联合会",
        registration_change_on="2024-06-01",
        approval_number="甬民登变〔2024〕9号",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    [event] = events_of(organization, RegistrationEventKind.CHANGED)
    assert (event.date, event.approval_number) == (datetime.date(2024, 6, 1), "甬民登变〔2024〕9号")
    assert event.after == {"name": "后台改名测试联合会"}


def test_an_auditor_reads_the_organization_without_the_change_approval_fields(client):
    organization = make_organization(registered_by_id="330212")
    client.force_login(make_user(Role.AUDITOR))
    page = client.get(f"/admin/registry/organization/{organization.pk}/change/").content.decode()
    assert "Registration change on" not in page and "核准文号" in page  # the timeline's column only
    assert "登记事项类别" in page
