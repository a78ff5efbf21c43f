import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from registry.choices import OrgStatus, OrgType
from registry.models import Organization
from registry.validators import uscc_with_check
from tests.conftest import make_organization, make_uscc

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


def payload(**fields):
    data = {
        "uscc": make_uscc(OrgType.SOCIAL_GROUP, "330212"),
        "name": "宁波市鄞州区测试协会",
        "org_type": "social_group",
        "registered_by": "330212",
        "registered_on": "2020-05-01",
        "phone": "13812345678",
    }
    data.update(fields)
    return data


def test_anonymous_is_401(anonymous_api):
    assert anonymous_api.get(URL).status_code == 401


def test_create_read_update(clerk_api):
    created = clerk_api.post(URL, payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["registration_level"] == "district" and body["domicile"] == "330212"
    assert body["status"] == "active"
    detail = clerk_api.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200 and detail["ETag"]
    assert detail.json() == body
    patched = clerk_api.patch(f"{URL}{body['id']}/", {"address": "鄞州区天童南路1号"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["address"] == "鄞州区天童南路1号"
    put = clerk_api.put(f"{URL}{body['id']}/", payload(uscc=body["uscc"], name="新名称协会"), format="json")
    assert put.status_code == 200 and put.json()["name"] == "新名称协会"


@pytest.mark.parametrize(
    "code",
    [
        lambda c: c[:17] + ("0" if c[17] != "0" else "1"),  # wrong check character
        lambda c: "9" + c[1:],  # not civil affairs (check also wrong: either refusal names uscc)
        lambda c: make_uscc(OrgType.FOUNDATION, "330212"),  # category contradicts type
    ],
)
def test_bad_codes_are_400_naming_uscc(clerk_api, code):
    response = clerk_api.post(URL, payload(uscc=code(make_uscc())), format="json")
    assert response.status_code == 400
    assert "uscc" in response.json()


def test_historical_segment_registered_by_yinzhou_is_accepted(clerk_api):
    response = clerk_api.post(URL, payload(uscc=make_uscc(OrgType.SOCIAL_GROUP, "330204")), format="json")
    assert response.status_code == 201, response.json()


def test_full_width_code_is_stored_half_width(clerk_api):
    code = make_uscc()
    full = "".join(chr(ord(c) + 0xFEE0) for c in code)
    response = clerk_api.post(URL, payload(uscc=full), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["uscc"] == code


def test_duplicate_code_is_400(clerk_api):
    existing = make_organization()
    response = clerk_api.post(URL, payload(uscc=existing.uscc), format="json")
    assert response.status_code == 400


def test_unknown_parameter_is_400_naming_it(clerk_api):
    response = clerk_api.get(URL, {"org_typ": "foundation"})
    assert response.status_code == 400
    assert "org_typ" in response.json()


def test_unparsable_filter_value_is_400(clerk_api):
    assert "registered_from" in clerk_api.get(URL, {"registered_from": "yesterday"}).json()
    assert clerk_api.get(URL, {"org_type": "club"}).status_code == 400
    assert clerk_api.get(URL, {"page_size": "5000"}).status_code == 400


def test_delete_is_405_and_the_organization_stays(clerk_api):
    organization = make_organization()
    assert clerk_api.delete(f"{URL}{organization.pk}/").status_code == 405
    assert Organization.objects.filter(pk=organization.pk).exists()


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_filters(clerk_api):
    foundation = make_organization(
        org_type=OrgType.FOUNDATION, registered_by_id="330200", registered_on=datetime.date(2010, 3, 1)
    )
    haishu = make_organization(registered_by_id="330203", registered_on=datetime.date(2018, 6, 30))
    yinzhou = make_organization(registered_by_id="330212", registered_on=datetime.date(2018, 7, 1), name="鄞州慈善总会")
    assert ids(clerk_api.get(URL, {"org_type": "foundation"})) == {foundation.pk}
    assert ids(clerk_api.get(URL, {"registration_level": "city"})) == {foundation.pk}
    assert ids(clerk_api.get(URL, {"district": "330203"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"domicile": "330212"})) == {yinzhou.pk}
    assert ids(clerk_api.get(URL, {"registered_from": "2018-06-30", "registered_until": "2018-06-30"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"registered_until": "2018-07-01"})) == {foundation.pk, haishu.pk, yinzhou.pk}
    assert ids(clerk_api.get(URL, {"q": "慈善"})) == {yinzhou.pk}
    assert ids(clerk_api.get(URL, {"q": haishu.uscc.lower()})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"uscc": haishu.uscc})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"status": "active"})) == {foundation.pk, haishu.pk, yinzhou.pk}
    ordered = clerk_api.get(URL, {"ordering": "-registered_on"}).json()["results"]
    assert [row["id"] for row in ordered] == [yinzhou.pk, haishu.pk, foundation.pk]
    assert clerk_api.get(URL, {"ordering": "phone"}).status_code == 400


def test_last_updated_from_is_inclusive(clerk_api):
    organization = make_organization()
    stamp = organization.last_updated.isoformat()
    assert organization.pk in ids(clerk_api.get(URL, {"last_updated_from": stamp}))
    later = (organization.last_updated + datetime.timedelta(seconds=1)).isoformat()
    assert organization.pk not in ids(clerk_api.get(URL, {"last_updated_from": later}))


def test_pagination_count_is_exact(clerk_api):
    for _ in range(7):
        make_organization()
    body = clerk_api.get(URL, {"page_size": 3, "page": 3}).json()
    assert body["count"] == 7 and len(body["results"]) == 1 and body["previous"]


def test_status_actions(clerk_api):
    organization = make_organization()
    url = f"{URL}{organization.pk}/"
    deregistered = clerk_api.post(url + "deregister/", {"date": "2023-01-31", "reason": "自行解散"}, format="json")
    assert deregistered.status_code == 200, deregistered.json()
    assert deregistered.json()["status"] == OrgStatus.DEREGISTERED
    assert deregistered.json()["status_date"] == "2023-01-31"
    again = clerk_api.post(url + "revoke/", {"date": "2023-02-01", "reason": "x"}, format="json")
    assert again.status_code == 400
    assert clerk_api.post(url + "reinstate/", {}, format="json").status_code == 400
    reinstated = clerk_api.post(url + "reinstate/", {"reason": "登记错误"}, format="json")
    assert reinstated.json()["status"] == OrgStatus.ACTIVE
    revoked = clerk_api.post(url + "revoke/", {"date": "2024-01-01", "reason": "违法"}, format="json")
    assert revoked.json()["status"] == OrgStatus.REVOKED
    messages = list(ChangeRecord.objects.filter(object_id=organization.pk).values_list("message", flat=True))
    assert {"自行解散", "登记错误", "违法"} <= set(messages)


def test_status_date_before_registration_or_in_future_is_400(clerk_api):
    organization = make_organization(registered_on=datetime.date(2020, 1, 1))
    url = f"{URL}{organization.pk}/deregister/"
    assert clerk_api.post(url, {"date": "2019-12-31", "reason": "x"}, format="json").status_code == 400
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert clerk_api.post(url, {"date": future, "reason": "x"}, format="json").status_code == 400


def test_list_query_count_is_constant(clerk_api):
    make_organization()
    clerk_api.get(URL)  # the first use of a token records last_used; later ones do not write
    with CaptureQueriesContext(connection) as one:
        assert clerk_api.get(URL).status_code == 200
    for _ in range(49):
        make_organization()
    with CaptureQueriesContext(connection) as fifty:
        assert len(clerk_api.get(URL).json()["results"]) == 50
    assert len(one) == len(fifty)
    # token (with its user's roles), count, page (party_org and the latest annual report are annotations), current
    # credit-list entries of the page
    assert len(fifty) == 4, [q["sql"] for q in fifty.captured_queries]


def test_divisions_are_read_only_and_filterable(clerk_api):
    body = clerk_api.get("/api/v1/divisions/", {"level": "district", "page_size": 100}).json()
    codes = {row["code"] for row in body["results"]}
    assert {"330203", "330212", "330204", "330283"} <= codes
    townships = clerk_api.get("/api/v1/divisions/", {"parent": "330212", "level": "township"}).json()
    assert townships["count"] > 0 and all(r["parent"] == "330212" for r in townships["results"])
    assert clerk_api.post("/api/v1/divisions/", {"code": "1"}, format="json").status_code == 405


def test_schema_and_docs_are_served(clerk, client):
    client.force_login(clerk)
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"cdn" not in docs.content.lower()


def test_social_group_flagged_as_community_development_foundation_is_400(clerk_api):
    response = clerk_api.post(URL, payload(is_community_foundation=True), format="json")
    assert response.status_code == 400 and list(response.json()) == ["is_community_foundation"]
    assert not Organization.objects.filter(name=payload()["name"]).exists()
    foundation = payload(
        uscc=make_uscc(OrgType.FOUNDATION, "330212"), org_type="foundation", is_community_foundation=True
    )
    assert clerk_api.post(URL, foundation, format="json").status_code == 201


def test_credit_code_with_wrong_position_17_is_400_naming_position_17(clerk_api):
    code = make_uscc()
    wrong = uscc_with_check(code[:16] + ("1" if code[16] != "1" else "2"))
    response = clerk_api.post(URL, payload(uscc=wrong), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["uscc"] and "17" in response.json()["uscc"][0]


def test_penalties_are_recorded_with_date_kind_amount_and_authority(clerk_api):
    organization = make_organization()
    body = {
        "organization": organization.pk,
        "decided_on": "2023-07-01",
        "kind": "fine",
        "amount": "20000.00",
        "authority": "宁波市民政局",
        "decision_number": "甬民罚〔2023〕1号",
    }
    created = clerk_api.post("/api/v1/penalties/", body, format="json")
    assert created.status_code == 201, created.json()
    listed = clerk_api.get("/api/v1/penalties/", {"organization": organization.pk, "kind": "fine"}).json()
    assert listed["count"] == 1 and listed["results"][0]["amount"] == "20000.00"
    no_amount = clerk_api.post("/api/v1/penalties/", {**body, "amount": None}, format="json")
    assert no_amount.status_code == 400 and "amount" in no_amount.json()


def test_a_district_system_records_penalties_of_its_own_organizations_only(yinzhou_api):
    other = make_organization(registered_by="330203")
    body = {"organization": other.pk, "decided_on": "2023-07-01", "kind": "warning", "authority": "海曙区民政局"}
    assert yinzhou_api.post("/api/v1/penalties/", body, format="json").status_code == 403


def test_an_investigation_needs_its_date_and_reason(clerk_api):
    organization = make_organization()
    url = f"{URL}{organization.pk}/"
    refused = clerk_api.patch(url, {"under_investigation_since": "2024-01-10"}, format="json")
    assert refused.status_code == 400 and "investigation_reason" in refused.json()
    flagged = clerk_api.patch(
        url, {"under_investigation_since": "2024-01-10", "investigation_reason": "公安机关立案侦查"}, format="json"
    )
    assert flagged.status_code == 200 and flagged.json()["under_investigation_since"] == "2024-01-10"
