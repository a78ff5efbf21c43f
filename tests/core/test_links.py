"""Jurisdiction through every link (docs/decisions/0100-links-across-districts.md).

A district system makes or undoes a guarded link (one that obliges or blocks the linked record's
owner) only to records of its own district: otherwise a 403 that changes nothing, not the record,
not the linked record, not the history. Clerks link anything. Every change of a guarded or recorded
link is written to the linked record's history too.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType

from core.choices import Role
from core.models import ChangeRecord
from core.services import instance_save
from platforms.models import Incubation
from procurement.models import DemandResponse, PurchasedServiceProject
from ratings.choices import HonourKind, HundredBestList
from ratings.models import Honour
from registry.models import CommunityOrganization, Organization
from tests.conftest import api_client_for, make_organization, make_user
from tests.platforms.builders import incubate, make_centre
from tests.procurement.builders import make_demand, make_department, make_project
from tests.registry.builders import HAISHU_TOWNSHIP, YINZHOU_TOWNSHIP, make_filing

pytestmark = pytest.mark.django_db

YINZHOU, HAISHU = "330212", "330203"


@pytest.fixture
def yinzhou_api():
    return api_client_for(make_user(Role.DISTRICT, district=YINZHOU, staff=False))


@pytest.fixture
def clerk_api():
    return api_client_for(make_user(Role.CLERK))


def history_of(record) -> list[dict]:
    content_type = ContentType.objects.get_for_model(type(record))
    return list(
        ChangeRecord.objects.filter(content_type=content_type, object_id=record.pk)
        .order_by("id")
        .values("action", "changes")
    )


def state(record):
    return type(record)._base_manager.get(pk=record.pk).history_snapshot()


class Unchanged:
    """Row counts, the change history and the named records, as they were."""

    def __init__(self, *records, models=()):
        self.records = records
        self.models = models
        self.snapshot = self.take()

    def take(self):
        return (
            ChangeRecord.objects.count(),
            [model._base_manager.count() for model in self.models],
            [state(record) for record in self.records],
        )

    def holds(self) -> bool:
        return self.take() == self.snapshot


def accepted_response(district: str, organization=None) -> DemandResponse:
    demand = make_demand(department=make_department(division=district))
    response = instance_save(
        instance=DemandResponse(
            demand=demand, organization=organization or make_organization(), responded_on=datetime.date(2022, 3, 5)
        )
    )
    response.accepted, response.accepted_on = True, datetime.date(2022, 3, 6)
    return instance_save(instance=response)


# --- demand-responses.project ---------------------------------------------------------------------


def test_district_client_cannot_attach_its_response_to_other_districts_project(yinzhou_api):
    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=HAISHU))
    unchanged = Unchanged(response, project, models=(DemandResponse, PurchasedServiceProject))

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": project.pk}, format="json")

    assert answer.status_code == 403, answer.content
    assert "project" in answer.json()
    assert unchanged.holds()


def test_district_client_attaches_its_response_to_its_own_project_and_the_project_history_shows_it(yinzhou_api):
    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=YINZHOU))

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": project.pk}, format="json")

    assert answer.status_code == 200, answer.content
    assert history_of(project)[-1] == {"action": "update", "changes": {"demand_response": [None, response.pk]}}


def test_clerk_links_a_response_to_any_project_and_both_projects_histories_show_it(clerk_api):
    response = accepted_response(YINZHOU)
    first = make_project(purchaser=make_department(division=HAISHU))
    second = make_project(purchaser=make_department(division=YINZHOU))

    assert (
        clerk_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": first.pk}, format="json").status_code
        == 200
    )
    assert (
        clerk_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": second.pk}, format="json").status_code
        == 200
    )

    assert [entry["changes"] for entry in history_of(first)[1:]] == [
        {"demand_response": [None, response.pk]},
        {"demand_response": [response.pk, None]},
    ]
    assert history_of(second)[-1]["changes"] == {"demand_response": [None, response.pk]}


def test_district_client_cannot_undo_a_link_to_other_districts_project(clerk_api, yinzhou_api):
    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=HAISHU))
    clerk_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": project.pk}, format="json")
    unchanged = Unchanged(response, project)

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": None}, format="json")

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_district_client_may_still_edit_its_response_linked_by_a_clerk(clerk_api, yinzhou_api):
    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=HAISHU))
    clerk_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": project.pk}, format="json")

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"note": "补充说明"}, format="json")

    assert answer.status_code == 200, answer.content


# --- honours ----------------------------------------------------------------------------------------


def best_payload(organization, filing) -> dict:
    return {
        "kind": HonourKind.CITY_THREE_HUNDRED_BEST,
        "hundred_best_list": HundredBestList.ORGANIZATION,
        "year": 2022,
        "organization": organization.pk,
        "community_organization": filing.pk,
    }


def test_district_client_cannot_create_an_honour_naming_other_districts_filing(yinzhou_api):
    own = make_organization(registered_by_id=YINZHOU)
    foreign_filing = make_filing(township=HAISHU_TOWNSHIP)
    unchanged = Unchanged(foreign_filing, models=(Honour,))

    answer = yinzhou_api.post("/api/v1/honours/", best_payload(own, foreign_filing), format="json")

    assert answer.status_code == 403, answer.content
    assert "community_organization" in answer.json()
    assert unchanged.holds()


def test_district_client_creates_an_honour_naming_its_own_filing_and_the_filing_history_shows_it(yinzhou_api):
    filing = make_filing(township=YINZHOU_TOWNSHIP)

    answer = yinzhou_api.post("/api/v1/honours/", best_payload(make_organization(), filing), format="json")

    assert answer.status_code == 201, answer.content
    assert history_of(filing)[-1] == {"action": "update", "changes": {"honours": [None, answer.json()["id"]]}}


def test_clerk_creates_an_honour_naming_any_filing(clerk_api):
    filing = make_filing(township=HAISHU_TOWNSHIP)

    answer = clerk_api.post(
        "/api/v1/honours/", best_payload(make_organization(registered_by_id=YINZHOU), filing), format="json"
    )

    assert answer.status_code == 201, answer.content
    assert history_of(filing)[-1]["changes"] == {"honours": [None, answer.json()["id"]]}


def test_district_client_cannot_withdraw_an_honour_naming_other_districts_filing(yinzhou_api):
    honour = Honour.objects.create(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        hundred_best_list=HundredBestList.ORGANIZATION,
        year=2021,
        organization=make_organization(registered_by_id=YINZHOU),
        community_organization=make_filing(township=HAISHU_TOWNSHIP),
    )
    unchanged = Unchanged(honour)

    answer = yinzhou_api.post(
        f"/api/v1/honours/{honour.pk}/withdraw/", {"date": "2023-06-30", "reason": "撤销"}, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_an_honour_naming_one_districts_organization_and_filing_is_that_districts():
    honour = Honour(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        hundred_best_list=HundredBestList.ORGANIZATION,
        year=2021,
        organization=make_organization(registered_by_id=YINZHOU),
        community_organization=make_filing(township=YINZHOU_TOWNSHIP),
    )
    assert honour.jurisdiction_district() == YINZHOU
    honour.community_organization = make_filing(township=HAISHU_TOWNSHIP)
    assert honour.jurisdiction_district() is None


# --- a filing's registered_as --------------------------------------------------------------------


def test_district_client_cannot_say_its_filing_registered_as_other_districts_organization(yinzhou_api):
    filing = make_filing(township=YINZHOU_TOWNSHIP)
    foreign = make_organization(registered_by_id=HAISHU)
    unchanged = Unchanged(filing, foreign, models=(CommunityOrganization,))

    answer = yinzhou_api.patch(
        f"/api/v1/community-organizations/{filing.pk}/", {"registered_as": foreign.pk}, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert "registered_as" in answer.json()
    assert unchanged.holds()


def test_district_client_links_its_filing_to_its_own_organization_and_the_organization_history_shows_it(
    yinzhou_api,
):
    filing = make_filing(township=YINZHOU_TOWNSHIP)
    own = make_organization(registered_by_id=YINZHOU)

    answer = yinzhou_api.patch(
        f"/api/v1/community-organizations/{filing.pk}/", {"registered_as": own.pk}, format="json"
    )

    assert answer.status_code == 200, answer.content
    assert history_of(own)[-1] == {"action": "update", "changes": {"community_filings": [None, filing.pk]}}


# --- an organization's domicile -------------------------------------------------------------------


def test_district_client_cannot_move_its_organizations_domicile_to_another_district(yinzhou_api):
    organization = make_organization(registered_by_id=YINZHOU)
    unchanged = Unchanged(organization)

    answer = yinzhou_api.patch(f"/api/v1/organizations/{organization.pk}/", {"domicile": HAISHU}, format="json")

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_district_client_cannot_register_an_organization_domiciled_in_another_district(yinzhou_api):
    from tests.core.matrix_builders import organization_payload

    unchanged = Unchanged(models=(Organization,))

    answer = yinzhou_api.post(
        "/api/v1/organizations/", {**organization_payload(YINZHOU), "domicile": HAISHU}, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_clerk_moves_a_domicile_to_any_district(clerk_api):
    organization = make_organization(registered_by_id=YINZHOU)

    answer = clerk_api.patch(f"/api/v1/organizations/{organization.pk}/", {"domicile": HAISHU}, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["domicile"] == HAISHU


# --- incubations: legitimate across districts, shown in the organization's history ---------------


def test_district_platform_incubates_another_districts_organization_and_its_history_shows_it(yinzhou_api):
    platform = make_centre("330212001")
    foreign = make_organization(registered_by_id=HAISHU)

    answer = yinzhou_api.post(
        "/api/v1/platform-incubations/",
        {"platform": platform.pk, "organization": foreign.pk, "incubated_from": "2022-03-01"},
        format="json",
    )

    assert answer.status_code == 201, answer.content
    assert history_of(foreign)[-1] == {"action": "update", "changes": {"incubations": [None, answer.json()["id"]]}}


def test_a_deleted_incubation_is_written_to_the_organizations_history():
    organization = make_organization(registered_by_id=HAISHU)
    incubation = incubate(make_centre("330212001"), organization, datetime.date(2021, 1, 1))
    pk = incubation.pk

    Incubation.objects.filter(pk=pk).delete()

    assert history_of(organization)[-1] == {"action": "update", "changes": {"incubations": [pk, None]}}


# --- every door: the same rule in the model -------------------------------------------------------


def test_the_rule_holds_outside_the_api_too():
    from core.access import WriteForbidden
    from core.context import change_context

    district = make_user(Role.DISTRICT, district=YINZHOU, staff=False)
    filing = make_filing(township=YINZHOU_TOWNSHIP)
    foreign = make_organization(registered_by_id=HAISHU)
    unchanged = Unchanged(filing, foreign)

    with change_context(actor=district), pytest.raises(WriteForbidden):
        CommunityOrganization.objects.filter(pk=filing.pk).update(registered_as=foreign)

    assert unchanged.holds()


# --- jurisdiction before validation: a foreign write is a 403 whatever the body ------------------


def test_a_link_to_other_districts_project_is_a_403_even_with_an_invalid_body(yinzhou_api):
    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=HAISHU))
    unchanged = Unchanged(response, project)

    answer = yinzhou_api.patch(
        f"/api/v1/demand-responses/{response.pk}/",
        {"project": project.pk, "responded_on": "not a date"},
        format="json",
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_a_400_never_tells_the_state_of_other_districts_project(yinzhou_api):
    """Linking to a project awarded to someone else would be a 400 naming its provider."""
    from tests.procurement.builders import award

    response = accepted_response(YINZHOU)
    project = make_project(purchaser=make_department(division=HAISHU))
    award(project, make_organization(name="海曙中标组织"), datetime.date(2022, 3, 1))

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": project.pk}, format="json")

    assert answer.status_code == 403, answer.content
    assert "海曙中标组织" not in answer.content.decode()


def test_creating_a_record_of_another_district_is_a_403_even_with_an_invalid_body(yinzhou_api):
    demand = make_demand(department=make_department(division=HAISHU))
    organization = make_organization()
    unchanged = Unchanged(demand, models=(DemandResponse,))

    answer = yinzhou_api.post(
        "/api/v1/demand-responses/",
        {"demand": demand.pk, "organization": organization.pk, "responded_on": "1999-99-99"},
        format="json",
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_registering_an_organization_for_another_district_is_a_403_even_with_an_invalid_code(yinzhou_api):
    from tests.core.matrix_builders import organization_payload

    unchanged = Unchanged(models=(Organization,))

    answer = yinzhou_api.post(
        "/api/v1/organizations/", {**organization_payload(HAISHU), "uscc": "not a code"}, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_moving_an_organization_to_another_district_is_a_403_even_with_an_invalid_body(yinzhou_api):
    organization = make_organization(registered_by_id=YINZHOU)
    unchanged = Unchanged(organization)

    answer = yinzhou_api.patch(
        f"/api/v1/organizations/{organization.pk}/", {"registered_by": HAISHU, "org_type": "nonsense"}, format="json"
    )

    assert answer.status_code == 403, answer.content
    assert unchanged.holds()


def test_an_unknown_link_is_still_a_400_for_a_district_client(yinzhou_api):
    response = accepted_response(YINZHOU)

    answer = yinzhou_api.patch(f"/api/v1/demand-responses/{response.pk}/", {"project": 999999}, format="json")

    assert answer.status_code == 400, answer.content
    assert "project" in answer.json()


def test_an_incomplete_body_of_the_clients_own_district_is_still_a_400(yinzhou_api):
    answer = yinzhou_api.post(
        "/api/v1/demand-responses/",
        {"organization": make_organization().pk, "responded_on": "2022-03-05"},
        format="json",
    )

    assert answer.status_code == 400, answer.content
    assert "demand" in answer.json()


def test_a_bulk_row_of_another_district_is_a_403_even_when_another_field_is_invalid(yinzhou_api):
    from tests.core.matrix_builders import organization_payload

    unchanged = Unchanged(models=(Organization,))
    rows = [organization_payload(YINZHOU), {**organization_payload(HAISHU), "registered_on": "not a date"}]

    answer = yinzhou_api.post("/api/v1/organizations/bulk/", rows, format="json")

    assert answer.status_code == 403, answer.content
    assert answer.json()["errors"][0]["index"] == 1
    assert unchanged.holds()


def test_the_withdraw_service_refuses_a_district_an_honour_naming_other_districts_filing():
    from core.access import WriteForbidden
    from ratings.services import honour_withdraw

    honour = Honour.objects.create(
        kind=HonourKind.CITY_THREE_HUNDRED_BEST,
        hundred_best_list=HundredBestList.ORGANIZATION,
        year=2021,
        organization=make_organization(registered_by_id=YINZHOU),
        community_organization=make_filing(township=HAISHU_TOWNSHIP),
    )
    district = make_user(Role.DISTRICT, district=YINZHOU, staff=False)
    unchanged = Unchanged(honour)

    with pytest.raises(WriteForbidden):
        honour_withdraw(
            honour=honour,
            on=datetime.date(2023, 6, 30),
            reason="撤销",
            actor=district,
        )

    assert unchanged.holds()
