import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import ChangeRecord
from platforms.choices import AssessmentResult
from platforms.models import Platform, PlatformFunding
from tests.conftest import make_organization
from tests.platforms.builders import (
    CITY,
    HAISHU,
    NANMEN,
    XIAYING,
    YINZHOU,
    ZHONGGONGMIAO,
    assess,
    fund,
    incubate,
    make_centre,
    make_platform,
    rate,
)

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/platforms/"
ASSESSMENTS = "/api/v1/platform-assessments/"
RATINGS = "/api/v1/platform-ratings/"
FUNDING = "/api/v1/platform-funding/"
INCUBATIONS = "/api/v1/platform-incubations/"
COVERAGE = "/api/v1/platforms/coverage/"


def payload(**fields):
    data = {
        "name": "下应街道社会组织党群服务中心",
        "kind": "hub",
        "level": "township",
        "division": XIAYING,
        "opened_on": "2019-03-01",
    }
    data.update(fields)
    return data


def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_is_401(anonymous_api):
    assert anonymous_api.get(URL).status_code == 401


def test_create_read_update(clerk_api):
    operator = make_organization()
    created = clerk_api.post(
        URL, payload(operator=operator.pk, party_service_centre=True, floor_area="850.50", staff_count=6), format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["division"] == XIAYING and body["district"] == YINZHOU and body["division_name"] == "下应街道"
    assert body["operator"] == operator.pk and body["operator_name"] == operator.name
    assert body["floor_area"] == "850.50"
    assert body["standardized"] is False and body["latest_rating"] is None and body["latest_assessment_result"] is None
    detail = clerk_api.get(f"{URL}{body['id']}/")
    assert detail.status_code == 200 and detail["ETag"] and detail.json() == body
    patched = clerk_api.patch(f"{URL}{body['id']}/", {"address": "鄞州区下应街道"}, format="json")
    assert patched.status_code == 200 and patched.json()["address"] == "鄞州区下应街道"


def test_the_city_innovation_park(clerk_api):
    created = clerk_api.post(
        URL,
        payload(
            name="宁波(鄞州)社会组织创新园", kind="innovation_park", level="city", division=CITY, opened_on="2020-05-01"
        ),
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["district"] is None


def test_a_township_level_platform_on_a_district_is_400_naming_division(clerk_api):
    response = clerk_api.post(URL, payload(level="township", division=YINZHOU), format="json")
    assert response.status_code == 400
    assert "division" in response.json()
    assert not Platform.objects.exists()


@pytest.mark.parametrize(("level", "division"), [("district", XIAYING), ("city", YINZHOU), ("township", CITY)])
def test_any_level_disagreeing_with_the_division_is_400(clerk_api, level, division):
    response = clerk_api.post(URL, payload(level=level, division=division), format="json")
    assert response.status_code == 400 and "division" in response.json()


def test_unknown_division_code_or_kind_is_400(clerk_api):
    assert "division" in clerk_api.post(URL, payload(division="999999"), format="json").json()
    assert "kind" in clerk_api.post(URL, payload(kind="club"), format="json").json()


def test_closing_before_opening_is_400(clerk_api):
    response = clerk_api.post(URL, payload(closed_on="2019-02-28"), format="json")
    assert response.status_code == 400 and "closed_on" in response.json()


def test_delete_is_405(clerk_api):
    platform = make_platform()
    assert clerk_api.delete(f"{URL}{platform.pk}/").status_code == 405
    assert Platform.objects.filter(pk=platform.pk).exists()


def test_township_standardized_lists_exactly_the_township_platforms_whose_latest_assessment_passed(clerk_api):
    passed = make_centre(XIAYING)
    assess(passed, D(2022, 6, 1), AssessmentResult.PASSED)
    passed_after_failing = make_centre(ZHONGGONGMIAO)
    assess(passed_after_failing, D(2021, 6, 1), AssessmentResult.FAILED)
    assess(passed_after_failing, D(2022, 6, 1), AssessmentResult.PASSED)
    failed_after_passing = make_centre(NANMEN)
    assess(failed_after_passing, D(2021, 6, 1), AssessmentResult.PASSED)
    assess(failed_after_passing, D(2022, 6, 1), AssessmentResult.FAILED)
    never_assessed = make_centre("330203002")
    district_passed = make_centre(YINZHOU)
    assess(district_passed, D(2022, 6, 1), AssessmentResult.PASSED)

    response = clerk_api.get(URL, {"level": "township", "standardized": "true"})
    assert ids(response) == {passed.pk, passed_after_failing.pk}
    assert all(row["standardized"] is True for row in response.json()["results"])
    not_standardized = clerk_api.get(URL, {"level": "township", "standardized": "false"})
    assert ids(not_standardized) == {failed_after_passing.pk, never_assessed.pk}
    assert ids(clerk_api.get(URL, {"standardized": "true"})) == {passed.pk, passed_after_failing.pk, district_passed.pk}
    latest = clerk_api.get(f"{URL}{failed_after_passing.pk}/").json()
    assert (latest["latest_assessment_result"], latest["latest_assessment_on"]) == ("failed", "2022-06-01")


def test_filters(clerk_api):
    hub = make_platform(XIAYING, kind="hub", party_service_centre=True, opened_on=D(2019, 1, 1), address="下应路1号")
    support = make_platform(NANMEN, kind="support", opened_on=D(2021, 1, 1), name="海曙区南门街道支持型平台")
    district = make_platform(YINZHOU, kind="support", opened_on=D(2018, 1, 1), closed_on=D(2020, 1, 1))
    park = make_platform(CITY, kind="innovation_park", level="city", opened_on=D(2020, 5, 1))
    assert ids(clerk_api.get(URL, {"kind": "support"})) == {support.pk, district.pk}
    assert ids(clerk_api.get(URL, {"level": "city"})) == {park.pk}
    assert ids(clerk_api.get(URL, {"district": YINZHOU})) == {hub.pk, district.pk}
    assert ids(clerk_api.get(URL, {"district": HAISHU})) == {support.pk}
    assert ids(clerk_api.get(URL, {"division": NANMEN})) == {support.pk}
    assert ids(clerk_api.get(URL, {"party_service_centre": "true"})) == {hub.pk}
    assert ids(clerk_api.get(URL, {"open_on": "2020-05-01"})) == {hub.pk, park.pk}
    assert ids(clerk_api.get(URL, {"open_on": "2019-12-31"})) == {hub.pk, district.pk}
    assert ids(clerk_api.get(URL, {"q": "南门"})) == {support.pk}
    assert ids(clerk_api.get(URL, {"q": "下应路"})) == {hub.pk}
    ordered = clerk_api.get(URL, {"ordering": "-opened_on"}).json()["results"]
    assert [row["id"] for row in ordered] == [support.pk, park.pk, hub.pk, district.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"levle": "township"},
        {"standardized": "maybe"},
        {"party_service_centre": "2"},
        {"open_on": "soon"},
        {"kind": "club"},
        {"level": "community"},
    ],
)
def test_unknown_parameters_and_bad_values_are_400_naming_them(clerk_api, query):
    response = clerk_api.get(URL, query)
    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_last_updated_from_sees_a_new_assessment_of_a_platform(clerk_api):
    centre = make_centre()
    stamp = Platform.objects.get(pk=centre.pk).last_updated
    later = (stamp + datetime.timedelta(microseconds=1)).isoformat()
    assert centre.pk in ids(clerk_api.get(URL, {"last_updated_from": stamp.isoformat()}))
    assert centre.pk not in ids(clerk_api.get(URL, {"last_updated_from": later}))
    assess(centre, D(2022, 6, 1))
    synced = clerk_api.get(URL, {"last_updated_from": later}).json()["results"]
    assert [(row["id"], row["standardized"]) for row in synced] == [(centre.pk, True)]


def test_the_latest_rating_shows_on_the_platform(clerk_api):
    platform = make_platform()
    rate(platform, 2022, 3)
    rate(platform, 2023, 5)
    rate(platform, 2021, 4)
    body = clerk_api.get(f"{URL}{platform.pk}/").json()
    assert (body["latest_rating"], body["latest_rating_year"]) == (5, 2023)


def test_close_and_reopen_actions_record_the_reason(clerk_api):
    platform = make_platform(opened_on=D(2019, 1, 1))
    url = f"{URL}{platform.pk}/"
    assert clerk_api.post(url + "close/", {"date": "2018-12-31", "reason": "x"}, format="json").status_code == 400
    closed = clerk_api.post(url + "close/", {"date": "2023-03-01", "reason": "场地收回"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert closed.json()["closed_on"] == "2023-03-01"
    assert clerk_api.post(url + "close/", {"date": "2023-03-02", "reason": "x"}, format="json").status_code == 400
    reopened = clerk_api.post(url + "reopen/", {"reason": "误记"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["closed_on"] is None
    messages = set(
        ChangeRecord.objects.filter(object_id=platform.pk, content_type__model="platform").values_list(
            "message", flat=True
        )
    )
    assert {"场地收回", "误记"} <= messages


# Jurisdiction: a district system writes platforms in its own district, and their records, only.


def test_district_client_creates_a_platform_in_its_own_district(yinzhou_api):
    assert yinzhou_api.post(URL, payload(division=XIAYING), format="json").status_code == 201
    assert (
        yinzhou_api.post(URL, payload(name="区级平台", level="district", division=YINZHOU), format="json").status_code
        == 201
    )


def test_district_client_cannot_create_a_platform_in_another_district_or_the_city(yinzhou_api):
    assert yinzhou_api.post(URL, payload(division=NANMEN), format="json").status_code == 403
    assert yinzhou_api.post(URL, payload(level="city", division=CITY), format="json").status_code == 403
    assert not Platform.objects.exists()


def test_district_client_cannot_change_or_move_platforms_across_districts(yinzhou_api, haishu_api):
    theirs = make_platform(NANMEN)
    assert yinzhou_api.patch(f"{URL}{theirs.pk}/", {"address": "x"}, format="json").status_code == 403
    assert (
        yinzhou_api.post(f"{URL}{theirs.pk}/close/", {"date": "2023-01-01", "reason": "x"}, format="json").status_code
        == 403
    )
    ours = make_platform(XIAYING)
    assert yinzhou_api.patch(f"{URL}{ours.pk}/", {"division": NANMEN}, format="json").status_code == 403
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert theirs.address == "" and theirs.closed_on is None and ours.division_id == XIAYING
    assert haishu_api.patch(f"{URL}{theirs.pk}/", {"address": "海曙区"}, format="json").status_code == 200


def test_district_client_reads_every_platform(yinzhou_api):
    make_platform(NANMEN)
    make_platform(CITY)
    assert yinzhou_api.get(URL).json()["count"] == 2


def test_auditor_reads_but_cannot_write(auditor_api):
    make_platform()
    assert auditor_api.get(URL).status_code == 200
    assert auditor_api.post(URL, payload(), format="json").status_code == 403


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (ASSESSMENTS, {"year": 2022, "result": "passed", "assessed_on": "2022-06-01"}),
        (RATINGS, {"year": 2022, "grade": 4}),
        (FUNDING, {"year": 2022, "source": "district_budget", "amount": "120000.00"}),
        (INCUBATIONS, {"incubated_from": "2022-01-01"}),
    ],
)
def test_district_client_writes_records_of_its_own_platforms_only(yinzhou_api, url, body):
    ours, theirs = make_centre(XIAYING), make_centre(NANMEN)
    if url == INCUBATIONS:
        body = {**body, "organization": make_organization(registered_by_id=HAISHU).pk}
    own = yinzhou_api.post(url, {**body, "platform": ours.pk}, format="json")
    assert own.status_code == 201, own.json()
    assert own.json()["district"] == YINZHOU
    assert yinzhou_api.post(url, {**body, "platform": theirs.pk}, format="json").status_code == 403
    assert yinzhou_api.patch(f"{url}{own.json()['id']}/", {"platform": theirs.pk}, format="json").status_code == 403
    assert theirs.assessments.count() + theirs.ratings.count() + theirs.funding.count() == 0
    assert theirs.incubations.count() == 0


# Funding: exact yuan, above zero.


def funding_body(platform, **fields):
    return {"platform": platform.pk, "year": 2022, "source": "city_welfare_lottery", "amount": "60000.00", **fields}


def test_funding_is_stored_and_answered_as_exact_decimal_strings(clerk_api):
    platform = make_platform()
    response = clerk_api.post(FUNDING, funding_body(platform, amount="6000000.10"), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount"] == "6000000.10"
    assert str(PlatformFunding.objects.get().amount) == "6000000.10"


@pytest.mark.parametrize("amount", ["100.005", "-1.00", "0", "0.00", "-0.01", 1.005, "abc", "NaN", "1e20"])
def test_a_funding_amount_with_three_decimals_negative_or_not_a_number_is_400(clerk_api, amount):
    response = clerk_api.post(FUNDING, funding_body(make_platform(), amount=amount), format="json")
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not PlatformFunding.objects.exists()


def test_a_second_funding_record_for_the_same_year_and_source_is_400(clerk_api):
    platform = make_platform()
    assert clerk_api.post(FUNDING, funding_body(platform), format="json").status_code == 201
    assert clerk_api.post(FUNDING, funding_body(platform), format="json").status_code == 400


def test_funding_totals_per_year_and_source(clerk_api):
    ours, theirs = make_platform(XIAYING), make_platform(NANMEN)
    fund(ours, 2022, "0.10")
    fund(theirs, 2022, "0.20")
    fund(ours, 2022, "250000.00", source="district_budget")
    fund(theirs, 2021, "6000000.00")
    body = clerk_api.get(f"{FUNDING}totals/").json()
    assert body == {
        "results": [
            {"year": 2022, "source": "city_welfare_lottery", "amount": "0.30", "records": 2, "platforms": 2},
            {"year": 2022, "source": "district_budget", "amount": "250000.00", "records": 1, "platforms": 1},
            {"year": 2021, "source": "city_welfare_lottery", "amount": "6000000.00", "records": 1, "platforms": 1},
        ],
        "total": "6250000.30",
    }
    yinzhou = clerk_api.get(f"{FUNDING}totals/", {"district": YINZHOU, "year": 2022}).json()
    assert [(row["source"], row["amount"]) for row in yinzhou["results"]] == [
        ("city_welfare_lottery", "0.10"),
        ("district_budget", "250000.00"),
    ]
    assert clerk_api.get(f"{FUNDING}totals/", {"yaer": 2022}).status_code == 400
    assert clerk_api.get(f"{FUNDING}totals/", {"year": "2022.5"}).status_code == 400


def test_record_lists_filter_by_platform_and_district(clerk_api):
    ours, theirs = make_centre(XIAYING), make_centre(NANMEN)
    mine = assess(ours, D(2022, 6, 1))
    assess(theirs, D(2022, 6, 1), AssessmentResult.FAILED)
    assert ids(clerk_api.get(ASSESSMENTS, {"district": YINZHOU})) == {mine.pk}
    assert ids(clerk_api.get(ASSESSMENTS, {"platform": ours.pk})) == {mine.pk}
    assert ids(clerk_api.get(ASSESSMENTS, {"result": "passed", "assessed_from": "2022-06-01"})) == {mine.pk}
    rating = rate(theirs, 2023, 5)
    assert ids(clerk_api.get(RATINGS, {"min_grade": 4})) == {rating.pk}
    organization = make_organization()
    current = incubate(ours, organization, D(2021, 1, 1))
    incubate(theirs, organization, D(2019, 1, 1), D(2020, 12, 31))
    assert ids(clerk_api.get(INCUBATIONS, {"active_on": "2022-01-01"})) == {current.pk}
    assert ids(clerk_api.get(INCUBATIONS, {"organization": organization.pk})) == {
        row.pk for row in organization.incubations.all()
    }


# Coverage: townships without a platform, per district.


def test_coverage_lists_every_township_without_a_platform(clerk_api):
    body = clerk_api.get(COVERAGE, {"as_of": "2023-06-15"}).json()
    assert body["townships"] == 156 and body["covered"] == 0 and body["full_coverage"] is False
    assert len(body["uncovered"]) == 156 and len(body["districts"]) == 10
    # The six functional zones are on their own line, never among the townships.
    assert (body["zones"], body["zones_with_platform"]) == (6, 0)
    assert not {"330206401", "330282402"} & {row["code"] for row in body["uncovered"]}


def test_coverage_of_a_township_that_loses_its_only_platform(clerk_api):
    from registry.models import Division

    for township in Division.objects.filter(parent_id=YINZHOU, level="township"):
        make_platform(township.code, opened_on=D(2019, 1, 1))
    make_platform(YINZHOU, opened_on=D(2019, 1, 1))  # a district platform covers no township
    before = clerk_api.get(COVERAGE, {"district": YINZHOU, "as_of": "2023-06-15"}).json()
    assert before["full_coverage"] is True and before["uncovered"] == []
    assert before["districts"][0]["townships"] == before["covered"] == 25

    only = Platform.objects.get(division_id=XIAYING)
    closed = clerk_api.patch(f"{URL}{only.pk}/", {"closed_on": "2023-03-01"}, format="json")
    assert closed.status_code == 200, closed.json()

    after = clerk_api.get(COVERAGE, {"district": YINZHOU, "as_of": "2023-06-15"}).json()
    assert after["full_coverage"] is False
    assert after["uncovered"] == [{"code": XIAYING, "name": "下应街道", "district": YINZHOU}]
    assert after["districts"][0]["covered"] == 24
    assert clerk_api.get(COVERAGE, {"district": YINZHOU, "as_of": "2023-02-28"}).json()["full_coverage"] is True


@pytest.mark.parametrize(
    "query", [{"district": "330204"}, {"district": XIAYING}, {"as_of": "yesterday"}, {"districts": YINZHOU}]
)
def test_coverage_refuses_unknown_parameters_and_bad_values(clerk_api, query):
    response = clerk_api.get(COVERAGE, query)
    assert response.status_code == 400 and set(query) <= set(response.json())


# Constant queries, whatever the page size.


def query_count(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
        assert response.status_code == 200, response.json()
    return len(queries), response


@pytest.mark.parametrize(
    ("url", "pinned"),
    [
        # token (with its user's roles), count, page, and for platforms the served townships of the page (prefetch)
        (URL, 4),
        (ASSESSMENTS, 3),
        (RATINGS, 3),
        (FUNDING, 3),
        (INCUBATIONS, 3),
    ],
)
def test_list_query_count_is_constant(clerk_api, url, pinned):
    organization = make_organization()

    def add_one(n):
        serves = (ZHONGGONGMIAO,) if n % 2 else ("330203002",)
        platform = make_centre(XIAYING if n % 2 else NANMEN, operator=organization, name=f"平台{n}", serves=serves)
        assess(platform, D(2022, 6, 1))
        rate(platform, 2022, 3)
        fund(platform, 2022, "100.00")
        incubate(platform, organization, D(2022, 1, 1))

    add_one(0)
    clerk_api.get(url)  # the first use of a token records last_used; later ones do not write
    one, _ = query_count(clerk_api, url)
    for n in range(1, 30):
        add_one(n)
    many, response = query_count(clerk_api, url)
    assert len(response.json()["results"]) == 30
    assert one == many
    assert many == pinned


def test_coverage_and_totals_query_counts_are_constant(clerk_api):
    make_platform(XIAYING)
    clerk_api.get(COVERAGE)
    coverage, _ = query_count(clerk_api, COVERAGE)
    totals, _ = query_count(clerk_api, f"{FUNDING}totals/")
    # token (with its user's roles), then: district check skipped, districts, townships / totals; filings per
    # platform: assigned, the rest by township, the default platforms (own, served); their platforms
    # (none here: no filing)
    assert coverage == 7
    assert totals == 2
