"""Comprehensive party committees (社会组织综合党委) of the city and the districts as records of their
own, the party organizations they hold, and each party organization's secretary and party-building
instructor (the reply: "市、县两级建立实体化运行的社会组织综合党委,兜底社会组织162家,建立党组织88个,
管理党员269名")."""

import datetime
import importlib
from pathlib import Path

import pytest
from django.conf import settings

from core.choices import Role
from registry.models import ComprehensivePartyCommittee, PartyOrganization
from reports.models import Citation
from reports.selectors import party_figures
from tests.conftest import make_organization, make_user
from tests.registry.builders import committee_of, make_party_organization

pytestmark = pytest.mark.django_db
COMMITTEES = "/api/v1/party-committees/"
PARTY = "/api/v1/party-organizations/"


def payload(*organizations, **fields):
    data = {
        "name": "测试协会党支部",
        "kind": "standalone",
        "organizations": [o.pk for o in organizations],
        "member_count": 3,
        "established_on": "2020-07-01",
    }
    data.update(fields)
    return data


def test_the_city_committee_ships_as_a_fixture_citing_the_reply():
    committee = ComprehensivePartyCommittee.objects.get(division_id="330200")
    assert committee.level == "city" and committee.jurisdiction_district() is None
    citation = Citation.objects.get(object_id=str(committee.pk), content_type__model="comprehensivepartycommittee")
    reply = next((Path(settings.BASE_DIR) / "fixtures" / "source").glob("*.txt")).read_text(encoding="utf-8")
    assert "市、县两级建立实体化运行的社会组织综合党委" in citation.sentence and citation.sentence in reply


def test_a_committee_takes_its_level_from_the_city_or_district_that_set_it_up(clerk_api):
    created = clerk_api.post(COMMITTEES, {"name": "鄞州区社会组织综合党委", "division": "330212"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["level"] == "district"
    assert clerk_api.get(COMMITTEES, {"level": "city"}).json()["count"] == 1
    again = clerk_api.post(COMMITTEES, {"name": "另一个综合党委", "division": "330212"}, format="json")
    assert again.status_code == 400 and "division" in again.json()
    township = clerk_api.post(COMMITTEES, {"name": "街道综合党委", "division": "330212001"}, format="json")
    assert township.status_code == 400 and "division" in township.json()


def test_a_district_system_writes_its_own_districts_committee_only(yinzhou_api):
    assert (
        yinzhou_api.post(COMMITTEES, {"name": "鄞州区综合党委", "division": "330212"}, format="json").status_code == 201
    )
    assert (
        yinzhou_api.post(COMMITTEES, {"name": "海曙区综合党委", "division": "330203"}, format="json").status_code == 403
    )
    city = ComprehensivePartyCommittee.objects.get(division_id="330200")
    assert yinzhou_api.patch(f"{COMMITTEES}{city.pk}/", {"name": "改名"}, format="json").status_code == 403


def test_a_party_organization_records_its_committee_secretary_and_instructor(clerk_api):
    organization = make_organization(registered_by_id="330212")
    committee = committee_of("330212")
    response = clerk_api.post(
        PARTY,
        payload(organization, committee=committee.pk, secretary="张书记", instructor="李指导员"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = clerk_api.get(f"{PARTY}{response.json()['id']}/").json()
    assert (body["committee"], body["committee_level"], body["comprehensive_committee"]) == (
        committee.pk,
        "district",
        True,
    )
    assert (body["secretary"], body["instructor"]) == ("张书记", "李指导员")
    plain = clerk_api.post(PARTY, payload(make_organization(), name="另一党支部"), format="json").json()
    assert (plain["committee"], plain["committee_level"], plain["comprehensive_committee"]) == (None, None, False)


def test_a_district_committee_holds_party_organizations_of_its_own_district_only(clerk_api):
    haishu_org = make_organization(registered_by_id="330203")
    response = clerk_api.post(PARTY, payload(haishu_org, committee=committee_of("330212").pk), format="json")
    assert response.status_code == 400 and "committee" in response.json()
    city_org = make_organization(registered_by_id="330200")
    response = clerk_api.post(PARTY, payload(city_org, committee=committee_of("330212").pk), format="json")
    assert response.status_code == 400 and "committee" in response.json()


def test_a_district_system_cannot_attach_its_party_organization_to_the_citys_committee(yinzhou_api):
    party = make_party_organization(make_organization(registered_by_id="330212"))
    city = ComprehensivePartyCommittee.objects.get(division_id="330200")
    response = yinzhou_api.patch(f"{PARTY}{party.pk}/", {"committee": city.pk}, format="json")
    assert response.status_code == 403
    party.refresh_from_db()
    assert party.committee_id is None
    own = yinzhou_api.patch(f"{PARTY}{party.pk}/", {"committee": committee_of("330212").pk}, format="json")
    assert own.status_code == 200, own.json()


def test_filters_by_committee_level_and_names(clerk_api):
    city_held = make_party_organization(make_organization(registered_by_id="330200"), comprehensive_committee=True)
    district_held = make_party_organization(
        make_organization(registered_by_id="330212"), comprehensive_committee=True, secretary="王红"
    )
    make_party_organization(make_organization(), instructor="赵指导")

    def ids(**params):
        return {row["id"] for row in clerk_api.get(PARTY, params).json()["results"]}

    assert ids(committee_level="city") == {city_held.pk}
    assert ids(committee_level="district") == {district_held.pk}
    assert ids(comprehensive_committee="true") == {city_held.pk, district_held.pk}
    assert ids(secretary="王") == {district_held.pk}
    assert len(ids(instructor="赵")) == 1
    assert clerk_api.get(PARTY, {"committee_level": "township"}).status_code == 400


def test_the_statistics_show_the_committees_figures_by_level():
    reply = datetime.date(2023, 6, 15)
    make_party_organization(make_organization(registered_by_id="330200"), comprehensive_committee=True, member_count=3)
    make_party_organization(
        make_organization(registered_by_id="330212"),
        make_organization(registered_by_id="330212"),
        comprehensive_committee=True,
        member_count=5,
    )
    figures = party_figures(reply, None)["comprehensive_committee"]
    assert (figures["organizations"], figures["party_organizations"], figures["members"]) == (3, 2, 8)
    assert figures["by_level"] == {
        "city": {"organizations": 1, "party_organizations": 1, "members": 3},
        "district": {"organizations": 2, "party_organizations": 1, "members": 5},
    }


def test_the_admin_filters_party_organizations_by_committee_level(client):
    held = make_party_organization(make_organization(registered_by_id="330200"), comprehensive_committee=True)
    make_party_organization(make_organization())
    client.force_login(make_user(Role.CLERK))
    response = client.get("/admin/registry/partyorganization/", {"committee_level": "city"})
    assert response.status_code == 200
    assert [row.pk for row in response.context["cl"].result_list] == [held.pk]
    assert client.get("/admin/registry/comprehensivepartycommittee/").status_code == 200
    assert PartyOrganization.objects.get(pk=held.pk).comprehensive_committee is True


def test_the_migration_gives_a_flagged_party_organization_its_districts_committee_or_the_citys():
    migration = importlib.import_module("registry.migrations.0006_party_committees")
    assert migration.committee_division({"330212"}) == "330212"
    assert migration.committee_division({"330200"}) == "330200"
    assert migration.committee_division({"330212", "330203"}) == "330200"  # several districts: the city's
    assert migration.committee_division(set()) == "330200"
