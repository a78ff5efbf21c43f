"""Community organization filings (社区社会组织备案): the model's rules and the API of DESIGN §4."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from registry.api.serializers import CommunityOrganizationSerializer
from registry.choices import FilingStatus
from registry.models import CommunityOrganization
from tests.registry.builders import (
    HAISHU_TOWNSHIP,
    YINZHOU_OTHER_TOWNSHIP,
    YINZHOU_TOWNSHIP,
    make_community,
    make_filing,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/community-organizations/"


def payload(township: str = YINZHOU_TOWNSHIP, *, urban: bool = True, **fields):
    data = {
        "name": "下应街道银龄互助会",
        "township": township,
        "community": fields.pop("community", None) or make_community(township, urban=urban).code,
        "category": "service",
        "field": "elderly_children",
        "filed_on": "2023-04-10",
        "contact_person": "王五",
        "contact_phone": "13712345678",
        "member_count": 20,
    }
    data.update(fields)
    return data


def ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# Filing, numbering and derived fields


def test_clerk_files_and_reads_back_what_a_get_returns(clerk_api):
    created = clerk_api.post(URL, payload(), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["district"] == "330212" and body["urban"] is True and body["status"] == FilingStatus.FILED
    assert body["filing_number"] == f"{YINZHOU_TOWNSHIP}-2023-0001"
    detail = clerk_api.get(f"{URL}{body['id']}/")
    assert detail.json() == body and detail["ETag"]


def test_urban_and_rural_follow_the_community_code():
    urban = make_filing(urban=True)
    rural = make_filing(urban=False)
    assert urban.community.code[-3:] <= "199" and urban.urban is True
    assert rural.community.code[-3:] >= "200" and rural.urban is False


def test_district_and_urban_are_read_only(clerk_api):
    response = clerk_api.post(
        URL, payload(urban=False, district="330203", urban_flag=True, status="cancelled"), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["district"] == "330212" and body["urban"] is False and body["status"] == "filed"
    changed = clerk_api.patch(f"{URL}{body['id']}/", {"district": "330203", "urban": True}, format="json")
    assert changed.status_code == 200
    assert changed.json()["district"] == "330212" and changed.json()["urban"] is False


def test_district_follows_a_change_of_township(clerk_api):
    filing = make_filing()
    moved = clerk_api.patch(
        f"{URL}{filing.pk}/",
        {"township": HAISHU_TOWNSHIP, "community": make_community(HAISHU_TOWNSHIP, urban=False).code},
        format="json",
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["district"] == "330203" and moved.json()["urban"] is False


def test_filing_whose_community_is_not_in_its_township_is_400_naming_community(clerk_api):
    elsewhere = make_community(YINZHOU_OTHER_TOWNSHIP)
    response = clerk_api.post(URL, payload(community=elsewhere.code), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["community"]
    assert not CommunityOrganization.objects.exists()


def test_unknown_township_is_400(clerk_api):
    response = clerk_api.post(URL, payload(township="330212999", community=make_community().code), format="json")
    assert response.status_code == 400
    assert "330212999" in response.json()["township"][0]


def test_a_district_or_community_given_as_township_is_400(clerk_api):
    community = make_community()
    assert "township" in clerk_api.post(URL, payload(township="330212", community=community.code), format="json").json()
    assert (
        "township"
        in clerk_api.post(URL, payload(township=community.code, community=community.code), format="json").json()
    )
    assert "community" in clerk_api.post(URL, payload(community=YINZHOU_TOWNSHIP), format="json").json()


@pytest.mark.parametrize(
    "field, value",
    [
        ("category", "sports"),
        ("field", "education"),
        ("member_count", -1),
        ("filed_on", "2023-02-30"),
        ("name", ""),
        ("active", "maybe"),
    ],
)
def test_bad_values_are_400_naming_the_field(clerk_api, field, value):
    response = clerk_api.post(URL, payload(**{field: value}), format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_dates_in_the_future_are_400(clerk_api):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert "filed_on" in clerk_api.post(URL, payload(filed_on=tomorrow), format="json").json()
    assert "last_active_on" in clerk_api.post(URL, payload(last_active_on=tomorrow), format="json").json()


def test_required_fields_of_the_contract(clerk_api):
    body = clerk_api.post(URL, {}, format="json").json()
    assert {"name", "township", "community", "category", "filed_on"} <= set(body)
    assert "filing_number" not in body and "field" not in body


def test_numbers_run_per_township_and_year():
    first = make_filing(filed_on=datetime.date(2023, 1, 5))
    second = make_filing(filed_on=datetime.date(2023, 9, 5))
    next_year = make_filing(filed_on=datetime.date(2022, 9, 5))
    other_township = make_filing(township=YINZHOU_OTHER_TOWNSHIP, filed_on=datetime.date(2023, 1, 5))
    assert first.filing_number == "330212001-2023-0001"
    assert second.filing_number == "330212001-2023-0002"
    assert next_year.filing_number == "330212001-2022-0001"
    assert other_township.filing_number == "330212002-2023-0001"


def test_a_generated_number_skips_one_a_district_already_used():
    make_filing(filing_number="330212001-2023-0001", filed_on=datetime.date(2023, 1, 5))
    generated = make_filing(filed_on=datetime.date(2023, 5, 1))
    assert generated.filing_number == "330212001-2023-0002"


def test_a_given_filing_number_is_kept_normalised_and_must_be_unique(clerk_api):
    created = clerk_api.post(URL, payload(filing_number=" 鄞下应备字〔２０２３〕１号 "), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["filing_number"] == "鄞下应备字〔2023〕1号"
    again = clerk_api.post(URL, payload(filing_number="鄞下应备字〔2023〕1号"), format="json")
    assert again.status_code == 400 and "filing_number" in again.json()


def test_a_filing_number_never_changes(clerk_api):
    filing = make_filing()
    response = clerk_api.patch(f"{URL}{filing.pk}/", {"filing_number": "X-1"}, format="json")
    assert response.status_code == 400 and "filing_number" in response.json()
    same = clerk_api.patch(
        f"{URL}{filing.pk}/", {"filing_number": filing.filing_number, "member_count": 3}, format="json"
    )
    assert same.status_code == 200 and same.json()["member_count"] == 3


def test_the_serializer_creates_or_updates_rows_keyed_by_filing_number(clerk):
    """What bulk sync does with a row: look the filing up by its number, then create or update."""
    existing = make_filing()
    rows = [payload(filing_number=existing.filing_number, name="改名后的组织"), payload(), payload(filing_number="")]
    results = []
    for row in rows:
        key = CommunityOrganizationSerializer.Meta.bulk_key
        instance = CommunityOrganization.objects.filter(**{key: row.get(key) or None}).first()
        serializer = CommunityOrganizationSerializer(instance, data=row)
        assert serializer.is_valid(), serializer.errors
        results.append(serializer.save())
    assert results[0].pk == existing.pk and results[0].name == "改名后的组织"
    assert results[0].filing_number == existing.filing_number
    assert results[1].filing_number and results[2].filing_number
    assert len({filing.filing_number for filing in results}) == 3


# Filters


def test_urban_true_and_false_add_up_to_the_total(clerk_api):
    for urban in (True, True, False, False, False):
        make_filing(urban=urban)
    make_filing(township=HAISHU_TOWNSHIP, urban=True)
    total = clerk_api.get(URL).json()["count"]
    urban = clerk_api.get(URL, {"urban": "true"}).json()["count"]
    rural = clerk_api.get(URL, {"urban": "false"}).json()["count"]
    assert (urban, rural, total) == (3, 3, 6)


def test_district_filter_returns_only_that_districts_filings(clerk_api):
    yinzhou = {make_filing().pk, make_filing(township=YINZHOU_OTHER_TOWNSHIP).pk}
    make_filing(township=HAISHU_TOWNSHIP)
    response = clerk_api.get(URL, {"district": "330212"})
    assert ids(response) == yinzhou
    assert all(row["district"] == "330212" for row in response.json()["results"])


def test_filters(clerk_api):
    old = make_filing(
        name="下应老年协会",
        filed_on=datetime.date(2019, 1, 1),
        category="self_governance",
        field="elderly_children",
        active=False,
    )
    new = make_filing(
        township=YINZHOU_OTHER_TOWNSHIP, filed_on=datetime.date(2022, 6, 30), category="public_safety", field="charity"
    )
    haishu = make_filing(township=HAISHU_TOWNSHIP, filed_on=datetime.date(2022, 7, 1), category="culture_sports")
    assert ids(clerk_api.get(URL, {"township": YINZHOU_OTHER_TOWNSHIP})) == {new.pk}
    assert ids(clerk_api.get(URL, {"community": old.community_id})) == {old.pk}
    assert ids(clerk_api.get(URL, {"category": "culture_sports"})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"field": "charity"})) == {new.pk}
    assert ids(clerk_api.get(URL, {"active": "false"})) == {old.pk}
    assert ids(clerk_api.get(URL, {"filed_from": "2022-06-30", "filed_until": "2022-06-30"})) == {new.pk}
    assert ids(clerk_api.get(URL, {"filed_until": "2022-07-01"})) == {old.pk, new.pk, haishu.pk}
    assert ids(clerk_api.get(URL, {"q": "老年"})) == {old.pk}
    assert ids(clerk_api.get(URL, {"q": haishu.filing_number})) == {haishu.pk}
    assert ids(clerk_api.get(URL, {"status": "filed"})) == {old.pk, new.pk, haishu.pk}
    ordered = clerk_api.get(URL, {"ordering": "-filed_on"}).json()["results"]
    assert [row["id"] for row in ordered] == [haishu.pk, new.pk, old.pk]


def test_last_updated_from_is_inclusive(clerk_api):
    filing = make_filing()
    assert filing.pk in ids(clerk_api.get(URL, {"last_updated_from": filing.last_updated.isoformat()}))
    later = (filing.last_updated + datetime.timedelta(seconds=1)).isoformat()
    assert filing.pk not in ids(clerk_api.get(URL, {"last_updated_from": later}))


@pytest.mark.parametrize(
    "params",
    [
        {"urbn": "true"},
        {"urban": "yes please"},
        {"category": "sports"},
        {"filed_from": "2022-13-01"},
        {"ordering": "contact_phone"},
    ],
)
def test_unknown_parameters_and_unparsable_values_are_400(clerk_api, params):
    response = clerk_api.get(URL, params)
    assert response.status_code == 400 and set(params) & set(response.json())


def test_list_query_count_is_constant(clerk_api):
    make_filing()
    clerk_api.get(URL)  # the first use of a token records last_used
    with CaptureQueriesContext(connection) as one:
        assert clerk_api.get(URL).status_code == 200
    for index in range(49):
        make_filing(township=HAISHU_TOWNSHIP if index % 2 else YINZHOU_TOWNSHIP, urban=bool(index % 3))
    with CaptureQueriesContext(connection) as fifty:
        assert len(clerk_api.get(URL).json()["results"]) == 50
    assert len(one) == len(fifty)
    # token (with its user's roles), count, page (township joined for the masking of contact_phone)
    assert len(fifty) == 3, [query["sql"] for query in fifty.captured_queries]


# Access (DESIGN §5)


def test_district_token_files_in_its_own_township(yinzhou_api):
    response = yinzhou_api.post(URL, payload(YINZHOU_OTHER_TOWNSHIP), format="json")
    assert response.status_code == 201, response.json()


def test_district_token_is_refused_in_another_districts_township(yinzhou_api):
    response = yinzhou_api.post(URL, payload(HAISHU_TOWNSHIP), format="json")
    assert response.status_code == 403
    assert not CommunityOrganization.objects.exists()


def test_district_token_cannot_change_or_move_filings_outside_its_district(yinzhou_api):
    haishu = make_filing(township=HAISHU_TOWNSHIP)
    assert yinzhou_api.patch(f"{URL}{haishu.pk}/", {"member_count": 1}, format="json").status_code == 403
    own = make_filing()
    moved = yinzhou_api.patch(
        f"{URL}{own.pk}/",
        {"township": HAISHU_TOWNSHIP, "community": make_community(HAISHU_TOWNSHIP).code},
        format="json",
    )
    assert moved.status_code == 403
    own.refresh_from_db()
    assert own.township_id == YINZHOU_TOWNSHIP and haishu.member_count == 12


def test_auditor_and_anonymous_cannot_file(auditor_api, anonymous_api):
    assert auditor_api.post(URL, payload(), format="json").status_code == 403
    assert anonymous_api.get(URL).status_code == 401


def test_contact_phone_is_masked_for_other_districts_only(clerk_api, auditor_api, yinzhou_api, haishu_api):
    filing = make_filing()
    url = f"{URL}{filing.pk}/"
    assert clerk_api.get(url).json()["contact_phone"] == "13912345678"
    assert auditor_api.get(url).json()["contact_phone"] == "13912345678"
    assert yinzhou_api.get(url).json()["contact_phone"] == "13912345678"
    assert haishu_api.get(url).json()["contact_phone"] == "139****5678"
    assert haishu_api.get(URL).json()["results"][0]["contact_phone"] == "139****5678"


# Cancellation (注销备案) and reinstatement


def test_cancel_then_reinstate(clerk_api):
    filing = make_filing()
    url = f"{URL}{filing.pk}/"
    cancelled = clerk_api.post(url + "cancel/", {"date": "2023-05-01", "reason": "组织自行解散"}, format="json")
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["status_date"] == "2023-05-01"
    assert clerk_api.post(url + "cancel/", {"date": "2023-05-02", "reason": "x"}, format="json").status_code == 400
    assert ids(clerk_api.get(URL, {"status": "cancelled"})) == {filing.pk}
    reinstated = clerk_api.post(url + "reinstate/", {"reason": "误注销，经复核恢复"}, format="json")
    assert reinstated.status_code == 200 and reinstated.json()["status"] == "filed"
    assert reinstated.json()["status_date"] is None
    messages = set(ChangeRecord.objects.filter(object_id=filing.pk).values_list("message", flat=True))
    assert {"组织自行解散", "误注销，经复核恢复"} <= messages


def test_cancel_needs_a_reason_and_a_date_within_the_filings_life(clerk_api):
    filing = make_filing(filed_on=datetime.date(2021, 3, 1))
    url = f"{URL}{filing.pk}/cancel/"
    assert "reason" in clerk_api.post(url, {"date": "2022-01-01", "reason": " "}, format="json").json()
    assert "date" in clerk_api.post(url, {"date": "2021-02-28", "reason": "x"}, format="json").json()
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert "date" in clerk_api.post(url, {"date": future, "reason": "x"}, format="json").json()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.FILED


def test_district_cancels_its_own_filings_only_and_never_reinstates(yinzhou_api):
    own, other = make_filing(), make_filing(township=HAISHU_TOWNSHIP)
    body = {"date": "2023-01-01", "reason": "解散"}
    assert yinzhou_api.post(f"{URL}{own.pk}/cancel/", body, format="json").status_code == 200
    assert yinzhou_api.post(f"{URL}{other.pk}/cancel/", body, format="json").status_code == 403
    assert yinzhou_api.post(f"{URL}{own.pk}/reinstate/", {"reason": "x"}, format="json").status_code == 403
    other.refresh_from_db()
    assert other.status == FilingStatus.FILED


def test_delete_is_405_and_the_filing_stays(clerk_api):
    filing = make_filing()
    assert clerk_api.delete(f"{URL}{filing.pk}/").status_code == 405
    assert CommunityOrganization.objects.filter(pk=filing.pk).exists()


def test_registered_as_names_an_organization(clerk_api):
    from tests.conftest import make_organization

    organization = make_organization()
    filing = make_filing()
    response = clerk_api.patch(f"{URL}{filing.pk}/", {"registered_as": organization.pk}, format="json")
    assert response.status_code == 200 and response.json()["registered_as"] == organization.pk
    assert ids(clerk_api.get(URL, {"registered_as": organization.pk})) == {filing.pk}
    assert clerk_api.patch(f"{URL}{filing.pk}/", {"registered_as": 999999}, format="json").status_code == 400
