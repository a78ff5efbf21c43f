"""evaluations/ and honours/ (DESIGN §4), and the grade fields and filters of organizations/."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ratings.models import Evaluation, Honour
from registry.choices import OrgType
from tests.conftest import make_organization
from tests.ratings.builders import filed_last_years_report, make_evaluation
from tests.registry.builders import HAISHU_TOWNSHIP, make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-06-01")]  # rules stated on fixed dates (DESIGN §2)
URL = "/api/v1/evaluations/"
ORGANIZATIONS = "/api/v1/organizations/"
HONOURS = "/api/v1/honours/"
D = datetime.date


def rate(client, organization, grade=5, concluded_on="2024-03-01", **extra):
    filed_last_years_report(organization, datetime.date.fromisoformat(concluded_on))
    return client.post(
        URL, {"organization": organization.pk, "grade": grade, "concluded_on": concluded_on, **extra}, format="json"
    )


def organization_ids(client, **params):
    body = client.get(ORGANIZATIONS, {"page_size": 1000, **params}).json()
    return {row["id"] for row in body["results"]}


# Validity, supersession and refusal through the API, on the dates the rule is written with.


def test_a_5a_rating_of_2024_03_01_is_current_until_2029_02_28_then_revoked(clerk_api):
    organization = make_organization(org_type=OrgType.FOUNDATION, registered_on=D(2015, 6, 1))
    other = make_organization()
    created = rate(clerk_api, organization, grade=5, concluded_on="2024-03-01")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["valid_until"] == "2029-02-28" and body["status"] == "valid" and body["grade_display"] == "5A"

    detail = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert detail["current_grade"] == 5 and detail["grade_valid_until"] == "2029-02-28"
    assert detail["purchase_priority"] and detail["tax_deductible_eligible"] and detail["simplified_inspection"]
    assert organization.pk in organization_ids(clerk_api, min_grade=3)
    assert organization.pk in organization_ids(clerk_api, grade=5)
    assert other.pk not in organization_ids(clerk_api, min_grade=3)
    assert other.pk in organization_ids(clerk_api, grade="none")
    assert organization.pk not in organization_ids(clerk_api, grade="none")

    revoked = clerk_api.post(
        f"{URL}{body['id']}/revoke/",
        {"date": "2025-01-15", "reason": "出借评估等级证书", "ground": "certificate_misuse"},
        format="json",
    )
    assert revoked.status_code == 200, revoked.json()
    assert revoked.json()["status"] == "revoked" and revoked.json()["revocation_ground"] == "certificate_misuse"
    detail = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert detail["current_grade"] is None and detail["grade_valid_until"] is None
    assert not detail["purchase_priority"] and not detail["simplified_inspection"]
    assert organization.pk not in organization_ids(clerk_api, grade=5)
    assert organization.pk not in organization_ids(clerk_api, min_grade=3)
    assert organization.pk in organization_ids(clerk_api, grade="none")


def test_a_rating_of_2021_03_01_was_valid_until_2026_02_28_and_gives_no_grade_today(clerk_api):
    organization = make_organization(registered_on=D(2015, 6, 1))
    created = rate(clerk_api, organization, grade=4, concluded_on="2021-03-01")
    assert created.status_code == 201, created.json()
    assert created.json()["valid_until"] == "2026-02-28"
    assert created.json()["status"] == "expired"  # today is after 2026-02-28
    detail = clerk_api.get(f"{ORGANIZATIONS}{organization.pk}/").json()
    assert detail["current_grade"] is None
    assert organization.pk not in organization_ids(clerk_api, min_grade=1)


def test_grade_six_is_400_with_a_reason(clerk_api):
    response = rate(clerk_api, make_organization(), grade=6)
    assert response.status_code == 400
    [message] = response.json()["grade"]
    assert "1" in message and "5" in message and "6" in message
    assert not Evaluation.objects.exists()


# Writing.


def test_a_district_system_rates_its_own_organizations_only(yinzhou_api):
    own = make_organization(registered_by="330212")
    other = make_organization(registered_by="330203")
    assert rate(yinzhou_api, own).status_code == 201
    refused = rate(yinzhou_api, other)
    assert refused.status_code == 403
    assert not Evaluation.objects.filter(organization=other).exists()


def test_a_district_system_revokes_its_own_ratings_only(yinzhou_api, haishu_api):
    evaluation = make_evaluation(make_organization(registered_by="330212"))
    body = {"date": "2025-01-01", "reason": "行政处罚", "ground": "penalty"}
    assert haishu_api.post(f"{URL}{evaluation.pk}/revoke/", body, format="json").status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.revoked_on is None
    assert yinzhou_api.post(f"{URL}{evaluation.pk}/revoke/", body, format="json").status_code == 200


def test_reinstate_is_for_clerks_only(clerk_api, yinzhou_api):
    evaluation = make_evaluation(make_organization(registered_by="330212"))
    clerk_api.post(f"{URL}{evaluation.pk}/revoke/", {"date": "2025-01-01", "reason": "x"}, format="json")
    assert yinzhou_api.post(f"{URL}{evaluation.pk}/reinstate/", {"reason": "y"}, format="json").status_code == 403
    response = clerk_api.post(f"{URL}{evaluation.pk}/reinstate/", {"reason": "录入错误"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "valid"


def test_auditors_read_but_do_not_rate(auditor_api):
    organization = make_organization()
    assert rate(auditor_api, organization).status_code == 403
    assert auditor_api.get(URL).status_code == 200


def test_revoke_with_bad_body_or_state_is_400(clerk_api):
    evaluation = make_evaluation()
    url = f"{URL}{evaluation.pk}/revoke/"
    assert "reason" in clerk_api.post(url, {"date": "2025-01-01"}, format="json").json()
    assert "date" in clerk_api.post(url, {"date": "2025-13-01", "reason": "x"}, format="json").json()
    assert "ground" in clerk_api.post(url, {"date": "2025-01-01", "reason": "x", "ground": "?"}, format="json").json()
    assert clerk_api.post(url, {"date": "2023-01-01", "reason": "x"}, format="json").status_code == 400  # before
    assert clerk_api.post(url, {"date": "2025-01-01", "reason": "x"}, format="json").status_code == 200
    again = clerk_api.post(url, {"date": "2025-02-01", "reason": "x"}, format="json")
    assert again.status_code == 400 and "status" in again.json()


def test_downgrade_answers_the_new_lower_rating(clerk_api):
    evaluation = make_evaluation(grade=5, concluded_on=D(2024, 3, 1))
    response = clerk_api.post(
        f"{URL}{evaluation.pk}/downgrade/",
        {"date": "2025-06-01", "grade": 3, "reason": "受到行政处罚", "ground": "penalty"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["grade"] == 3 and body["downgraded_from"] == evaluation.pk and body["valid_until"] == "2029-02-28"
    assert clerk_api.get(f"{URL}{evaluation.pk}/").json()["status"] == "revoked"
    assert clerk_api.get(f"{ORGANIZATIONS}{evaluation.organization_id}/").json()["current_grade"] == 3
    higher = clerk_api.post(
        f"{URL}{body['id']}/downgrade/", {"date": "2025-07-01", "grade": 4, "reason": "x"}, format="json"
    )
    assert higher.status_code == 400 and "grade" in higher.json()


def test_score_can_be_corrected_but_grade_date_and_organization_cannot(clerk_api):
    evaluation = make_evaluation(grade=4)
    url = f"{URL}{evaluation.pk}/"
    patched = clerk_api.patch(url, {"score": "88.50"}, format="json")
    assert patched.status_code == 200 and patched.json()["score"] == "88.50"
    for change in ({"grade": 5}, {"concluded_on": "2024-03-02"}, {"organization": make_organization().pk}):
        refused = clerk_api.patch(url, change, format="json")
        assert refused.status_code == 400 and set(change) <= set(refused.json())
    evaluation.refresh_from_db()
    assert evaluation.grade == 4 and evaluation.concluded_on == D(2024, 3, 1)
    assert clerk_api.patch(url, {"score": "-1"}, format="json").status_code == 400


def test_evaluation_scored_950_of_1000_is_accepted(clerk_api):
    organization = make_organization(registered_on=D(2015, 1, 1))
    response = rate(clerk_api, organization, grade=5, concluded_on="2024-03-01", score="950")
    assert response.status_code == 201, response.json()
    assert (response.json()["score"], response.json()["max_score"]) == ("950.00", 1000)


def test_valid_until_status_and_revocation_are_read_only(clerk_api):
    response = rate(clerk_api, make_organization(), valid_until="2099-01-01", status="valid", revoked_on="2025-01-01")
    assert response.status_code == 201
    assert response.json()["valid_until"] == "2029-02-28" and response.json()["revoked_on"] is None


def test_delete_is_405_and_the_rating_stays(clerk_api):
    evaluation = make_evaluation()
    assert clerk_api.delete(f"{URL}{evaluation.pk}/").status_code == 405
    assert Evaluation.objects.filter(pk=evaluation.pk).exists()


def test_etag_and_stale_if_match(clerk_api):
    evaluation = make_evaluation()
    url = f"{URL}{evaluation.pk}/"
    etag = clerk_api.get(url)["ETag"]
    assert clerk_api.patch(url, {"score": "90"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert clerk_api.patch(url, {"score": "91"}, format="json", HTTP_IF_MATCH=etag).status_code == 412


# Filters.


@pytest.fixture
def ratings_history():
    """a: 3A 2018-01-01 superseded by 5A 2022-06-01; b: 4A 2021-12-01, revoked 2024-01-01; c: 2A 2021-03-01 (lapsed)."""
    a = make_organization(registered_on=D(2010, 1, 1))
    b = make_organization(registered_on=D(2010, 1, 1))
    c = make_organization(registered_on=D(2010, 1, 1))
    old = make_evaluation(a, grade=3, concluded_on=D(2018, 1, 1))
    new = make_evaluation(a, grade=5, concluded_on=D(2022, 6, 1))
    revoked = make_evaluation(b, grade=4, concluded_on=D(2021, 12, 1))
    Evaluation.objects.filter(pk=revoked.pk).update(revoked_on=D(2024, 1, 1), revocation_reason="x")
    lapsed = make_evaluation(c, grade=2, concluded_on=D(2021, 3, 1))
    return {"old": old, "new": new, "revoked": revoked, "lapsed": lapsed}


def ids(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_evaluation_filters(clerk_api, ratings_history):
    h = {name: evaluation.pk for name, evaluation in ratings_history.items()}
    assert ids(clerk_api, organization=ratings_history["old"].organization_id) == {h["old"], h["new"]}
    assert ids(clerk_api, grade=5) == {h["new"]}
    assert ids(clerk_api, status="valid") == {h["new"]}
    assert ids(clerk_api, status="superseded") == {h["old"]}
    assert ids(clerk_api, status="revoked") == {h["revoked"]}
    assert ids(clerk_api, status="expired") == {h["lapsed"]}
    assert ids(clerk_api, valid_on="2022-05-31") == {h["old"], h["revoked"], h["lapsed"]}
    assert ids(clerk_api, valid_on="2022-06-01") == {h["new"], h["revoked"], h["lapsed"]}
    assert ids(clerk_api, valid_on="2024-01-01") == {h["new"], h["lapsed"]}  # b's 4A revoked that day
    assert ids(clerk_api, valid_on="2026-03-01") == {h["new"]}
    assert ids(clerk_api, concluded_from="2021-12-01", concluded_until="2022-06-01") == {h["new"], h["revoked"]}


def test_expiring_before_is_strict(clerk_api, ratings_history):
    # The 2A of 2021-03-01 is valid until 2026-02-28.
    assert ratings_history["lapsed"].pk not in ids(clerk_api, expiring_before="2026-02-28")
    assert ratings_history["lapsed"].pk in ids(clerk_api, expiring_before="2026-03-01")


@pytest.mark.parametrize(
    "params",
    [
        {"grade": "6"},
        {"grade": "5A"},
        {"status": "active"},
        {"valid_on": "2024-02-30"},
        {"expiring_before": "soon"},
        {"organization": "x"},
        {"grades": "5"},
        {"concluded_from": "yesterday"},
    ],
)
def test_bad_filters_are_400_naming_them(clerk_api, params):
    response = clerk_api.get(URL, params)
    assert response.status_code == 400
    assert set(params) <= set(response.json())


def test_last_updated_from_is_inclusive(clerk_api):
    evaluation = make_evaluation()
    evaluation.refresh_from_db()
    assert evaluation.pk in ids(clerk_api, last_updated_from=evaluation.last_updated.isoformat())


@pytest.mark.parametrize("params", [{"grade": "6"}, {"min_grade": "0"}, {"min_grade": "three"}])
def test_bad_grade_filters_on_organizations_are_400(clerk_api, params):
    response = clerk_api.get(ORGANIZATIONS, params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def test_organizations_grade_filters_on_today(clerk_api, ratings_history):
    a = ratings_history["new"].organization_id
    assert organization_ids(clerk_api, grade=5) == {a}
    assert organization_ids(clerk_api, min_grade=3) == {a}
    assert organization_ids(clerk_api, grade=4) == set()  # b's 4A is revoked
    assert organization_ids(clerk_api, grade=3) == set()  # a's 3A is superseded
    assert clerk_api.get(ORGANIZATIONS, {"min_grade": 5}).json()["count"] == 1


# Constant queries.


def test_evaluations_list_query_count_is_constant(clerk_api):
    make_evaluation()
    clerk_api.get(URL)  # the first use of a token records last_used; later ones do not write
    with CaptureQueriesContext(connection) as one:
        assert clerk_api.get(URL).status_code == 200
    for grade in range(49):
        make_evaluation(grade=grade % 5 + 1, concluded_on=D(2020, 1, 1) + datetime.timedelta(days=grade))
    with CaptureQueriesContext(connection) as fifty:
        assert len(clerk_api.get(URL).json()["results"]) == 50
    assert len(one) == len(fifty)
    # token (with its user's roles), count, page
    assert len(fifty) == 3, [q["sql"] for q in fifty.captured_queries]


def test_organizations_list_with_grades_query_count_is_constant(clerk_api):
    make_evaluation(grade=5)
    clerk_api.get(ORGANIZATIONS)
    with CaptureQueriesContext(connection) as one:
        assert clerk_api.get(ORGANIZATIONS, {"min_grade": 1}).status_code == 200
    for index in range(49):
        organization = make_organization(registered_on=D(2010, 1, 1))
        make_evaluation(organization, grade=index % 5 + 1, concluded_on=D(2022, 1, 1))
        make_evaluation(organization, grade=index % 5 + 1, concluded_on=D(2023, 1, 1))
    with CaptureQueriesContext(connection) as fifty:
        body = clerk_api.get(ORGANIZATIONS, {"min_grade": 1}).json()
    assert len(body["results"]) == 50 and all(row["current_grade"] for row in body["results"])
    with CaptureQueriesContext(connection) as unfiltered:
        assert clerk_api.get(ORGANIZATIONS).status_code == 200
    # Grades and their filters cost no query of their own: the list's pinned number
    # (tests/registry/test_api.py::test_list_query_count_is_constant) holds with them.
    assert len(one) == len(fifty) == len(unfiltered), [q["sql"] for q in fifty.captured_queries]


def test_honours_list_query_count_is_constant(clerk_api):
    Honour.objects.create(kind="national_advanced", year=2020, organization=make_organization())
    clerk_api.get(HONOURS)
    with CaptureQueriesContext(connection) as one:
        clerk_api.get(HONOURS)
    for year in range(2000, 2049):
        Honour.objects.create(kind="provincial_brand", year=min(year, 2025), organization=make_organization())
    with CaptureQueriesContext(connection) as fifty:
        assert len(clerk_api.get(HONOURS).json()["results"]) == 50
    assert len(one) == len(fifty) == 3  # token (with its user's roles), count, page


# Honours.


def test_honours_record_organizations_and_persons(clerk_api):
    organization = make_organization()
    brand = clerk_api.post(
        HONOURS, {"kind": "provincial_brand", "year": 2021, "organization": organization.pk}, format="json"
    )
    assert brand.status_code == 201, brand.json()
    assert brand.json()["issuing_body"] == "浙江省民政厅"
    leader = clerk_api.post(
        HONOURS,
        {"kind": "provincial_leader", "year": 2022, "organization": organization.pk, "person_name": "李四"},
        format="json",
    )
    assert leader.status_code == 201
    model = clerk_api.post(
        HONOURS,
        {"kind": "role_model", "year": 2021, "person_name": "张三", "issuing_body": "中共中央宣传部"},
        format="json",
    )
    assert model.status_code == 201
    assert {row["kind"] for row in clerk_api.get(HONOURS, {"organization": organization.pk}).json()["results"]} == {
        "provincial_brand",
        "provincial_leader",
    }
    # and the reply's 钱海军 of the fixtures
    assert clerk_api.get(HONOURS, {"kind": "role_model"}).json()["count"] == 2
    assert clerk_api.get(HONOURS, {"q": "张三"}).json()["count"] == 1
    assert clerk_api.get(HONOURS, {"kind": "nobel"}).status_code == 400


def test_honour_without_its_recipient_is_400(clerk_api):
    response = clerk_api.post(
        HONOURS, {"kind": "provincial_leader", "year": 2022, "person_name": "李四"}, format="json"
    )
    assert response.status_code == 400
    assert clerk_api.post(HONOURS, {"kind": "national_advanced", "year": 2022}, format="json").status_code == 400


def test_a_district_system_records_honours_of_its_own_organizations_only(yinzhou_api):
    own = make_organization(registered_by="330212")
    other = make_organization(registered_by="330203")
    body = {"kind": "national_advanced", "year": 2021}
    assert yinzhou_api.post(HONOURS, {**body, "organization": own.pk}, format="json").status_code == 201
    assert yinzhou_api.post(HONOURS, {**body, "organization": other.pk}, format="json").status_code == 403
    # An honour naming no organization is the city bureau's.
    assert (
        yinzhou_api.post(HONOURS, {"kind": "role_model", "year": 2021, "person_name": "x"}, format="json").status_code
        == 403
    )


def test_three_hundred_best_names_a_filing_and_follows_its_district(yinzhou_api):
    own = make_filing()  # 鄞州区
    other = make_filing(township=HAISHU_TOWNSHIP)
    body = {
        "kind": "city_three_hundred_best",
        "year": 2022,
        "title": "百佳社区社会组织",
        "hundred_best_list": "organization",
    }
    created = yinzhou_api.post(HONOURS, {**body, "community_organization": own.pk}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["community_organization_name"] == own.name
    assert created.json()["issuing_body"] == "宁波市民政局"
    assert yinzhou_api.post(HONOURS, {**body, "community_organization": other.pk}, format="json").status_code == 403
    listed = yinzhou_api.get(HONOURS, {"community_organization": own.pk}).json()
    assert [row["id"] for row in listed["results"]] == [created.json()["id"]]
    assert yinzhou_api.get(HONOURS, {"q": own.name}).json()["count"] == 1


def test_the_organizations_list_reads_the_current_grade_of_the_day_it_is_asked_on(clerk_api, monkeypatch):
    """The list's annotated queryset is built once per day (registry.api.views.annotated_organizations):
    a rating that lapses overnight is gone from the next day's list."""
    evaluation = make_evaluation(grade=4, concluded_on=datetime.date(2020, 3, 1))
    last_day = evaluation.valid_until
    url = f"/api/v1/organizations/{evaluation.organization_id}/"
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: last_day)
    assert clerk_api.get(url).json()["current_grade"] == 4
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: last_day + datetime.timedelta(days=1))
    assert clerk_api.get(url).json()["current_grade"] is None
    listed = clerk_api.get("/api/v1/organizations/", {"min_grade": 1}).json()
    assert evaluation.organization_id not in [row["id"] for row in listed["results"]]


# Withdrawing an honour (撤销荣誉): an action with a date and a reason, never a delete.


def make_honour(organization=None, *, year: int = 2021) -> Honour:
    return Honour.objects.create(kind="provincial_brand", year=year, organization=organization or make_organization())


def test_an_honour_is_withdrawn_by_its_action_and_stays_on_record(clerk_api):
    honour = make_honour(year=2021)
    url = f"{HONOURS}{honour.pk}/withdraw/"
    patched = clerk_api.patch(f"{HONOURS}{honour.pk}/", {"withdrawn_on": "2023-01-01", "withdrawal_reason": "x"})
    assert patched.status_code == 200 and patched.json()["withdrawn_on"] is None
    assert "date" in clerk_api.post(url, {"date": "2020-12-31", "reason": "x"}, format="json").json()
    assert "reason" in clerk_api.post(url, {"date": "2023-01-01", "reason": " "}, format="json").json()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "date" in clerk_api.post(url, {"date": tomorrow, "reason": "x"}, format="json").json()
    withdrawn = clerk_api.post(url, {"date": "2023-06-30", "reason": "严重违法失信，撤销品牌称号"}, format="json")
    assert withdrawn.status_code == 200, withdrawn.json()
    assert withdrawn.json()["withdrawn_on"] == "2023-06-30"
    assert withdrawn.json()["withdrawal_reason"] == "严重违法失信，撤销品牌称号"
    assert clerk_api.post(url, {"date": "2023-07-01", "reason": "again"}, format="json").status_code == 400
    assert clerk_api.delete(f"{HONOURS}{honour.pk}/").status_code == 405
    assert clerk_api.get(HONOURS, {"withdrawn": "true"}).json()["count"] == 1
    assert clerk_api.get(HONOURS, {"withdrawn": "false"}).json()["count"] == 1  # the reply's 钱海军 (fixtures)
    assert clerk_api.get(HONOURS, {"withdrawn": "maybe"}).status_code == 400
    changes = clerk_api.get("/api/v1/changes/", {"model": "honour", "object_id": honour.pk}).json()["results"]
    assert changes[0]["changes"]["withdrawn_on"] == [None, "2023-06-30"]


def test_reinstating_an_honour_is_for_clerks_and_withdrawing_follows_the_district(clerk_api, yinzhou_api):
    own = make_honour(make_organization(registered_by="330212"))
    other = make_honour(make_organization(registered_by="330203"))
    body = {"date": "2023-01-01", "reason": "撤销"}
    assert yinzhou_api.post(f"{HONOURS}{other.pk}/withdraw/", body, format="json").status_code == 403
    assert yinzhou_api.post(f"{HONOURS}{own.pk}/withdraw/", body, format="json").status_code == 200
    reinstate = f"{HONOURS}{own.pk}/reinstate/"
    assert yinzhou_api.post(reinstate, {"reason": "复核"}, format="json").status_code == 403
    reinstated = clerk_api.post(reinstate, {"reason": "误撤销，恢复"}, format="json")
    assert reinstated.status_code == 200 and reinstated.json()["withdrawn_on"] is None
    assert reinstated.json()["withdrawal_reason"] == ""
    assert clerk_api.post(reinstate, {"reason": "again"}, format="json").status_code == 400
    other.refresh_from_db()
    assert other.withdrawn_on is None


@pytest.mark.today("2026-06-01")
def test_a_3a_social_group_is_eligible_for_tax_deductible_status_only_once_recognised_as_a_charity(clerk_api):
    group = make_organization(registered_on=D(2015, 1, 1))
    make_evaluation(group, grade=3, concluded_on=D(2024, 3, 1))
    body = clerk_api.get(f"{ORGANIZATIONS}{group.pk}/").json()
    assert body["tax_deductible_eligible"] is False
    assert body["purchase_priority"] and body["transferred_function_priority"] and body["award_priority"]
    patched = clerk_api.patch(
        f"{ORGANIZATIONS}{group.pk}/",
        {"charity_recognized_on": "2025-01-10", "public_fundraising_since": "2025-06-01"},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["tax_deductible_eligible"] is True


def test_public_fundraising_without_charity_recognition_is_400(clerk_api):
    group = make_organization()
    response = clerk_api.patch(f"{ORGANIZATIONS}{group.pk}/", {"public_fundraising_since": "2025-06-01"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["public_fundraising_since"]
