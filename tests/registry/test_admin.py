import datetime
import re

import pytest

from core.choices import Role
from registry.choices import OrgStatus, OrgType
from registry.models import Organization
from tests.conftest import make_organization, make_uscc, make_user
from tests.core.conftest import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def test_admin_pages_render_in_chinese(clerk_browser):
    organization = make_organization()
    listing = clerk_browser.get("/admin/registry/organization/")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert organization.name in text
    assert "宁波市社会组织登记管理系统" in text
    assert clerk_browser.get("/admin/registry/organization/add/").status_code == 200
    assert clerk_browser.get(f"/admin/registry/organization/{organization.pk}/change/").status_code == 200


def test_admin_deregister_action_asks_reason_then_applies(clerk_browser):
    organization = make_organization()
    url = "/admin/registry/organization/"
    form = clerk_browser.post(url, {"action": "organization_deregister", "_selected_action": [organization.pk]})
    assert form.status_code == 200 and "reason" in form.content.decode()
    done = clerk_browser.post(
        url,
        {
            "action": "organization_deregister",
            "_selected_action": [organization.pk],
            "apply": "1",
            "date": "2023-03-01",
            "reason": "自行解散",
        },
    )
    assert done.status_code in (200, 302)
    organization.refresh_from_db()
    assert organization.status == OrgStatus.DEREGISTERED and organization.status_reason == "自行解散"


def test_only_superuser_deletes_in_admin(clerk_browser):
    organization = make_organization()
    assert clerk_browser.get(f"/admin/registry/organization/{organization.pk}/delete/").status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_admin_refuses_a_social_group_flagged_as_community_development_foundation(clerk_browser):
    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    url = f"/admin/registry/organization/{organization.pk}/change/"
    form = clerk_browser.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data["registered_on"] = "2015-01-01"
    data["is_community_foundation"] = "on"
    response = clerk_browser.post(url, data)
    assert response.status_code == 200
    assert "is_community_foundation" in response.context["adminform"].form.errors
    organization.refresh_from_db()
    assert organization.is_community_foundation is False


def test_clerk_records_a_penalty_in_the_admin(clerk_browser):
    organization = make_organization()
    url = "/admin/registry/administrativepenalty/add/"
    assert clerk_browser.get(url).status_code == 200
    response = clerk_browser.post(
        url,
        {
            "organization": organization.pk,
            "decided_on": "2023-07-01",
            "kind": "fine",
            "amount": "",
            "authority": "宁波市民政局",
        },
    )
    assert response.status_code == 200 and "amount" in response.context["adminform"].form.errors
    response = clerk_browser.post(
        url,
        {
            "organization": organization.pk,
            "decided_on": "2023-07-01",
            "kind": "fine",
            "amount": "20000",
            "authority": "宁波市民政局",
        },
    )
    assert response.status_code == 302
    assert organization.penalties.get().amount == 20000
    assert "宁波市民政局" in clerk_browser.get("/admin/registry/administrativepenalty/").content.decode()


def test_a_new_registration_opens_on_its_own_page_with_the_success_message(clerk_browser):
    uscc = make_uscc(OrgType.FOUNDATION, "330200")
    data = admin_form_data(
        clerk_browser.get("/admin/registry/organization/add/"),
        uscc=uscc,
        name="宁波市新登记基金会",
        org_type=OrgType.FOUNDATION,
        registered_by="330200",
        registered_on="2018-08-08",
    )
    response = clerk_browser.post("/admin/registry/organization/add/", data, follow=True)
    organization = Organization.objects.get(uscc=uscc)
    assert response.redirect_chain == [(f"/admin/registry/organization/{organization.pk}/change/", 302)]
    success = [str(message) for message in response.context["messages"]]
    assert len(success) == 1 and "宁波市新登记基金会" in success[0]


def test_organizations_list_fits_a_screen(clerk_browser):
    older = make_organization(registered_on=datetime.date(2012, 5, 1))
    newer = make_organization(registered_on=datetime.date(2021, 5, 1))
    text = clerk_browser.get("/admin/registry/organization/").content.decode()
    assert text.index(newer.name) < text.index(older.name)  # newest first
    assert '<span class="registry-division" title="330212">鄞州区</span>' in text
    assert "鄞州区（330212）</td>" not in text
    assert "registered_on__year=" not in text  # no bar of year links: a from–to filter instead
    assert 'name="registered_on__gte"' in text and 'name="registered_on__lte"' in text
    assert "江东区" not in text and "奉化市" not in text  # historical authorities without records: not offered


def test_organizations_filter_by_a_date_range_with_either_end_open(clerk_browser):
    older = make_organization(registered_on=datetime.date(2012, 5, 1))
    newer = make_organization(registered_on=datetime.date(2021, 5, 1))
    url = "/admin/registry/organization/"
    text = clerk_browser.get(url, {"registered_on__gte": "2020-01-01", "registered_on__lte": ""}).content.decode()
    assert newer.name in text and older.name not in text
    text = clerk_browser.get(url, {"registered_on__gte": "", "registered_on__lte": "2012-05-01"}).content.decode()
    assert older.name in text and newer.name not in text  # both ends inclusive


def deregister(clerk_browser, organization, **fields):
    data = {"action": "organization_deregister", "_selected_action": [organization.pk], **fields}
    return clerk_browser.post("/admin/registry/organization/", data)


def test_the_deregister_form_shows_the_record_and_leads_back_to_it(clerk_browser):
    organization = make_organization()
    text = deregister(clerk_browser, organization).content.decode()
    for shown in (organization.name, organization.uscc, "正常"):
        assert f"<td>{shown}</td>" in text
    assert f'href="/admin/registry/organization/{organization.pk}/change/" class="button cancel-link"' in text
    labels = re.findall(r'<label for="id_(\w+)" class="required"', text)
    assert labels == ["date", "reason"]  # both marked required, as on every admin form
    assert 'class="vDateField"' in text  # the admin's date widget (calendar, "today")


def test_a_future_date_is_refused_on_the_form_and_the_reason_is_kept(clerk_browser):
    organization = make_organization()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    response = deregister(clerk_browser, organization, apply="1", date=tomorrow.isoformat(), reason="会员大会决议")
    text = response.content.decode()
    assert response.status_code == 200 and "日期不能晚于今天。" in text and "会员大会决议</textarea>" in text
    organization.refresh_from_db()
    assert organization.status == OrgStatus.ACTIVE


def test_a_rule_of_the_service_is_shown_on_the_form_with_what_was_typed(clerk_browser):
    organization = make_organization(registered_on=datetime.date(2015, 1, 1))
    response = deregister(clerk_browser, organization, apply="1", date="2010-01-01", reason="会员大会决议")
    text = response.content.decode()
    assert response.status_code == 200 and 'class="errornote"' in text and organization.name in text
    assert 'value="2010-01-01"' in text and "会员大会决议</textarea>" in text
    organization.refresh_from_db()
    assert organization.status == OrgStatus.ACTIVE


def test_the_reinstate_form_asks_no_date(clerk_browser):
    organization = make_organization()
    data = {"action": "organization_reinstate", "_selected_action": [organization.pk]}
    text = clerk_browser.post("/admin/registry/organization/", data).content.decode()
    assert 'name="reason"' in text and 'name="date"' not in text
