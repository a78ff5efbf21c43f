"""Whether a record is public (DESIGN §11): clerks alone set it, and a record withheld says why."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from registry.models import CommunityOrganization, Organization
from tests.conftest import make_organization
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db


def test_records_are_public_unless_marked():
    assert make_organization().public is True
    assert make_filing().public is True


def test_clerk_withholds_an_organization_with_a_reason(clerk_api):
    organization = make_organization()
    response = clerk_api.patch(
        f"/api/v1/organizations/{organization.pk}/",
        {"public": False, "not_public_reason": "涉及国家秘密"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["public"] is False
    organization.refresh_from_db()
    assert (organization.public, organization.not_public_reason) == (False, "涉及国家秘密")


def test_withholding_without_a_reason_is_refused(clerk_api):
    filing = make_filing()
    response = clerk_api.patch(f"/api/v1/community-organizations/{filing.pk}/", {"public": False}, format="json")
    assert response.status_code == 400
    assert "not_public_reason" in response.json()
    filing.refresh_from_db()
    assert filing.public is True


def test_the_database_refuses_a_withheld_record_without_reason():
    organization = make_organization()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization._base_manager.filter(pk=organization.pk).update(public=False)


def test_model_validation_names_the_missing_reason():
    organization = make_organization()
    organization.public = False
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "not_public_reason" in error.value.message_dict


def test_district_client_cannot_withhold_its_own_organization(yinzhou_api):
    organization = make_organization(registered_by="330212")
    response = yinzhou_api.patch(
        f"/api/v1/organizations/{organization.pk}/", {"public": False, "not_public_reason": "x"}, format="json"
    )
    assert response.status_code == 403
    organization.refresh_from_db()
    assert organization.public is True


def test_district_client_cannot_file_a_withheld_filing(yinzhou_api):
    filing = make_filing()
    body = {
        "name": "不公开的备案",
        "township": filing.township_id,
        "community": filing.community_id,
        "category": filing.category,
        "filed_on": "2023-01-05",
        "public": False,
        "not_public_reason": "x",
    }
    response = yinzhou_api.post("/api/v1/community-organizations/", body, format="json")
    assert response.status_code == 403
    assert not CommunityOrganization.objects.filter(name="不公开的备案").exists()


def test_district_client_may_still_edit_other_fields_of_a_withheld_record(clerk_api, yinzhou_api):
    organization = make_organization(registered_by="330212", public=False, not_public_reason="涉密")
    response = yinzhou_api.patch(
        f"/api/v1/organizations/{organization.pk}/", {"supervising_unit": "宁波市科协"}, format="json"
    )
    assert response.status_code == 200, response.content
    organization.refresh_from_db()
    assert (organization.public, organization.supervising_unit) == (False, "宁波市科协")


def test_admin_shows_the_flag_read_only_to_others_than_clerks(rf, clerk):
    from django.contrib import admin

    from core.choices import Role
    from tests.conftest import make_user

    model_admin = admin.site._registry[CommunityOrganization]
    request = rf.get("/")
    request.user = make_user(Role.AUDITOR)
    assert {"public", "not_public_reason"} <= set(model_admin.get_readonly_fields(request))
    request.user = clerk
    assert "public" not in model_admin.get_readonly_fields(request)


def test_admin_form_posted_without_the_flag_keeps_the_record_public(clerk):
    from django.contrib import admin
    from django.test import RequestFactory

    model_admin = admin.site._registry[Organization]
    organization = make_organization()
    request = RequestFactory().post("/")
    request.user = clerk
    form_class = model_admin.get_form(request, organization, change=True)
    form = form_class(data={"name": organization.name}, instance=organization)
    assert form.data["public"] == "True"
    withheld = form_class(data={"public": "False"}, instance=organization)
    assert withheld.data["public"] == "False"
    assert 'value="False"' in str(form_class(instance=organization)["public"])
