"""Party organizations (党组织) in social organizations and the organizations' `party_org`."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from registry import selectors
from registry.models import PartyOrganization
from tests.conftest import make_organization
from tests.registry.builders import make_party_organization

pytestmark = pytest.mark.django_db
URL = "/api/v1/party-organizations/"
ORGANIZATIONS = "/api/v1/organizations/"


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def party_payload(*organizations, **fields):
    data = {
        "name": "宁波市某协会党支部",
        "kind": "standalone",
        "organizations": [o.pk for o in organizations],
        "member_count": 7,
        "established_on": "2020-07-01",
    }
    data.update(fields)
    return data


def test_standalone_covers_exactly_one_organization(clerk_api):
    first, second = make_organization(), make_organization()
    assert clerk_api.post(URL, party_payload(first), format="json").status_code == 201
    response = clerk_api.post(URL, party_payload(first, second), format="json")
    assert response.status_code == 400 and "organizations" in response.json()
    assert "organizations" in clerk_api.post(URL, party_payload(), format="json").json()


def test_joint_covers_two_or_more_organizations(clerk_api):
    first, second, third = make_organization(), make_organization(), make_organization()
    assert "organizations" in clerk_api.post(URL, party_payload(first, kind="joint"), format="json").json()
    created = clerk_api.post(URL, party_payload(first, second, third, kind="joint", name="联合党支部"), format="json")
    assert created.status_code == 201, created.json()
    assert sorted(created.json()["organizations"]) == sorted([first.pk, second.pk, third.pk])


def test_changing_the_form_is_checked_against_the_coverage(clerk_api):
    party = make_party_organization(make_organization(), make_organization())
    response = clerk_api.patch(f"{URL}{party.pk}/", {"kind": "standalone"}, format="json")
    assert response.status_code == 400 and "organizations" in response.json()
    party.refresh_from_db()
    assert party.kind == "joint"


def test_party_org_follows_coverage_by_a_party_organization_in_being(clerk_api):
    covered, dissolved_cover, uncovered = make_organization(), make_organization(), make_organization()
    make_party_organization(covered)
    make_party_organization(dissolved_cover, dissolved_on=datetime.date(2022, 12, 31))
    assert clerk_api.get(f"{ORGANIZATIONS}{covered.pk}/").json()["party_org"] is True
    assert clerk_api.get(f"{ORGANIZATIONS}{dissolved_cover.pk}/").json()["party_org"] is False
    assert ids(clerk_api.get(ORGANIZATIONS, {"party_org": "true"})) == {covered.pk}
    assert ids(clerk_api.get(ORGANIZATIONS, {"party_org": "false"})) == {dissolved_cover.pk, uncovered.pk}
    assert clerk_api.get(ORGANIZATIONS, {"party_org": "sometimes"}).status_code == 400
    assert selectors.has_party_organization(dissolved_cover, datetime.date(2022, 12, 30))
    assert not selectors.has_party_organization(covered, datetime.date(2019, 6, 30))


def test_party_org_is_read_only_on_organizations(clerk_api):
    organization = make_organization()
    response = clerk_api.patch(f"{ORGANIZATIONS}{organization.pk}/", {"party_org": True}, format="json")
    assert response.status_code == 200 and response.json()["party_org"] is False


def test_district_writes_party_organizations_of_its_own_organizations_only(yinzhou_api):
    own, own_too = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330212")
    haishu = make_organization(registered_by_id="330203")
    assert yinzhou_api.post(URL, party_payload(own), format="json").status_code == 201
    assert yinzhou_api.post(URL, party_payload(haishu), format="json").status_code == 403
    mixed = party_payload(own_too, haishu, kind="joint")
    assert yinzhou_api.post(URL, mixed, format="json").status_code == 403
    joint = make_party_organization(own, own_too)
    extended = yinzhou_api.patch(f"{URL}{joint.pk}/", {"organizations": [own.pk, own_too.pk, haishu.pk]}, format="json")
    assert extended.status_code == 403
    assert set(joint.organizations.values_list("pk", flat=True)) == {own.pk, own_too.pk}


def test_a_joint_organization_across_districts_is_the_city_bureaus(clerk_api, yinzhou_api):
    yinzhou, haishu = make_organization(registered_by_id="330212"), make_organization(registered_by_id="330203")
    created = clerk_api.post(URL, party_payload(yinzhou, haishu, kind="joint"), format="json")
    assert created.status_code == 201
    response = yinzhou_api.patch(f"{URL}{created.json()['id']}/", {"member_count": 1}, format="json")
    assert response.status_code == 403


def test_a_change_of_coverage_is_in_the_history(clerk_api):
    first, second, third = make_organization(), make_organization(), make_organization()
    party = make_party_organization(first, second)
    assert (
        clerk_api.patch(f"{URL}{party.pk}/", {"organizations": [first.pk, third.pk]}, format="json").status_code == 200
    )
    records = ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(PartyOrganization), object_id=party.pk
    )
    coverage = [record.changes["organizations"] for record in records if "organizations" in record.changes]
    assert [sorted([first.pk, second.pk]), sorted([first.pk, third.pk])] in coverage


def test_date_and_count_rules(clerk_api):
    organization = make_organization()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert (
        "established_on"
        in clerk_api.post(URL, party_payload(organization, established_on=tomorrow), format="json").json()
    )
    assert "member_count" in clerk_api.post(URL, party_payload(organization, member_count=-3), format="json").json()
    early = clerk_api.post(URL, party_payload(organization, dissolved_on="2019-01-01"), format="json")
    assert early.status_code == 400


def test_filters(clerk_api):
    first, second = make_organization(), make_organization()
    standalone = make_party_organization(first, comprehensive_committee=True)
    joint = make_party_organization(first, second, name="商会联合党支部")
    gone = make_party_organization(second, dissolved_on=datetime.date(2021, 1, 1))
    assert ids(clerk_api.get(URL, {"kind": "joint"})) == {joint.pk}
    assert ids(clerk_api.get(URL, {"organization": second.pk})) == {joint.pk, gone.pk}
    assert ids(clerk_api.get(URL, {"comprehensive_committee": "true"})) == {standalone.pk}
    assert ids(clerk_api.get(URL, {"in_being": "false"})) == {gone.pk}
    assert ids(clerk_api.get(URL, {"q": "商会"})) == {joint.pk}


def test_delete_is_405(clerk_api):
    party = make_party_organization()
    assert clerk_api.delete(f"{URL}{party.pk}/").status_code == 405


def test_list_query_count_is_constant(clerk_api):
    make_party_organization()
    clerk_api.get(URL)
    with CaptureQueriesContext(connection) as one:
        clerk_api.get(URL)
    for _ in range(10):
        make_party_organization(make_organization(), make_organization())
    with CaptureQueriesContext(connection) as many:
        assert len(clerk_api.get(URL).json()["results"]) == 11
    assert len(one) == len(many) == 4  # token (with its user's roles), count, page, covered organizations
