"""Cluster platforms (片区/联合平台): a township-level platform also serves other townships of its
district, and covers them as it covers its own (docs/decisions/0035-served-townships.md)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.choices import Role
from core.models import ChangeRecord
from platforms import services
from platforms.choices import PlatformKind
from platforms.models import Platform
from platforms.selectors import platform_counts, township_coverage, townships_without_platform
from registry.models import Division
from registry.models.divisions import counted_townships_q
from tests.conftest import make_user
from tests.platforms.builders import (
    CITY,
    JIANGXIA,
    MEIXU,
    NANMEN,
    XIAYING,
    YINZHOU,
    ZHONGGONGMIAO,
    make_platform,
)

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/api/v1/platforms/"
COVERAGE = "/api/v1/platforms/coverage/"
ADMIN = "/admin/platforms/platform/"
REPLY_DATE = D(2023, 6, 15)


def townships(*codes):
    return list(Division.objects.filter(code__in=codes))


def served_codes(platform):
    return sorted(platform.served_townships.values_list("code", flat=True))


def history_of(platform):
    return list(
        ChangeRecord.objects.filter(content_type__model="platform", object_id=platform.pk)
        .order_by("time", "id")
        .values_list("action", "changes")
    )


def payload(**fields):
    data = {"name": "下应片区社会组织服务中心", "kind": "hub", "level": "township", "division": XIAYING}
    data.update({"opened_on": "2019-03-01", **fields})
    return data


# The rules, at the model and service (every door goes through them).


def test_a_township_platform_serves_other_townships_of_its_district():
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO, MEIXU))
    assert served_codes(platform) == [ZHONGGONGMIAO, MEIXU]


def test_serving_a_township_of_another_district_is_refused_naming_served_townships():
    with pytest.raises(ValidationError) as error:
        make_platform(XIAYING, serves=(ZHONGGONGMIAO, NANMEN))
    assert list(error.value.message_dict) == ["served_townships"]
    assert NANMEN in error.value.message_dict["served_townships"][0]
    assert not Platform.objects.exists()


@pytest.mark.parametrize(
    ("division", "served"),
    [
        (YINZHOU, (XIAYING,)),  # a district-level platform serves no township
        (CITY, (XIAYING,)),  # nor does a city-level one
        (XIAYING, (XIAYING,)),  # its own township is not "another" township
        (XIAYING, (YINZHOU,)),  # a district is not a township
    ],
)
def test_what_a_platform_may_not_serve(division, served):
    with pytest.raises(ValidationError) as error:
        make_platform(division, serves=served)
    assert "served_townships" in error.value.message_dict


def test_a_township_listed_twice_is_served_once():
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    services.platform_set_served_townships(
        platform=platform, townships=townships(ZHONGGONGMIAO) * 2 + townships(MEIXU), actor=None
    )
    assert served_codes(platform) == [ZHONGGONGMIAO, MEIXU]


def test_moving_a_serving_platform_to_another_district_is_refused_until_it_stops_serving():
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    platform.division_id = NANMEN
    with pytest.raises(ValidationError) as error:
        services.platform_save(platform=platform)
    assert "served_townships" in error.value.message_dict
    moved = services.platform_save(platform=platform, served_townships=townships(JIANGXIA))
    assert Platform.objects.get(pk=moved.pk).division_id == NANMEN and served_codes(moved) == [JIANGXIA]


def test_a_refused_list_is_not_remembered_by_the_next_save():
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    with pytest.raises(ValidationError):
        services.platform_save(platform=platform, served_townships=townships(NANMEN))
    platform.address = "下应路1号"
    services.platform_save(platform=platform)
    assert served_codes(platform) == [ZHONGGONGMIAO]


def test_a_serving_platform_raised_to_district_level_must_drop_its_townships():
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    platform.level, platform.division_id = "district", YINZHOU
    with pytest.raises(ValidationError) as error:
        services.platform_save(platform=platform)
    assert "served_townships" in error.value.message_dict
    services.platform_save(platform=platform, served_townships=[])
    assert served_codes(platform) == []


# The change history records the many-to-many change, which a save's history cannot see.


def test_the_history_records_served_townships_as_code_lists_before_and_after():
    platform = make_platform(XIAYING, serves=(MEIXU, ZHONGGONGMIAO))
    clerk = make_user(Role.CLERK)
    services.platform_set_served_townships(
        platform=platform, townships=townships(ZHONGGONGMIAO), actor=clerk, reason="梅墟街道建成自己的平台"
    )
    services.platform_set_served_townships(platform=platform, townships=townships(ZHONGGONGMIAO), actor=clerk)
    history = history_of(platform)
    assert [action for action, _ in history] == ["create", "update", "update"]  # an unchanged list writes nothing
    assert history[1][1] == {"served_townships": [[], [ZHONGGONGMIAO, MEIXU]]}
    assert history[2][1] == {"served_townships": [[ZHONGGONGMIAO, MEIXU], [ZHONGGONGMIAO]]}
    last = ChangeRecord.objects.filter(content_type__model="platform", object_id=platform.pk).latest("id")
    assert last.actor == clerk and last.message == "梅墟街道建成自己的平台"


def test_changing_served_townships_marks_the_platform_updated():
    platform = make_platform(XIAYING)
    before = Platform.objects.get(pk=platform.pk).last_updated
    services.platform_set_served_townships(platform=platform, townships=townships(MEIXU), actor=None)
    assert Platform.objects.get(pk=platform.pk).last_updated > before


def test_a_district_system_sets_served_townships_of_its_own_platforms_only():
    from core.access import WriteForbidden

    theirs = make_platform(NANMEN)
    yinzhou = make_user(Role.DISTRICT, district=YINZHOU)
    with pytest.raises(WriteForbidden):
        services.platform_set_served_townships(platform=theirs, townships=townships(JIANGXIA), actor=yinzhou)
    assert served_codes(theirs) == []


# Coverage: a township is covered when an open township-level platform sits in it or serves it.


def test_a_township_served_by_a_neighbouring_platform_is_covered():
    make_platform(XIAYING, serves=(ZHONGGONGMIAO,), opened_on=D(2020, 1, 1))
    (yinzhou,) = township_coverage(REPLY_DATE, YINZHOU)
    uncovered = {t.code for t in yinzhou.uncovered}
    assert XIAYING not in uncovered and ZHONGGONGMIAO not in uncovered and MEIXU in uncovered
    assert (yinzhou.covered, yinzhou.served_by_neighbour) == (2, 1)
    assert ZHONGGONGMIAO in {t.code for t in townships_without_platform(D(2019, 12, 31), YINZHOU)}


def test_a_township_losing_its_only_serving_platform_is_uncovered():
    for township in Division.objects.filter(parent_id=YINZHOU, level="township").exclude(code=ZHONGGONGMIAO):
        make_platform(township.code, opened_on=D(2019, 1, 1))
    serving = Platform.objects.get(division_id=XIAYING)
    services.platform_set_served_townships(platform=serving, townships=townships(ZHONGGONGMIAO), actor=None)
    assert townships_without_platform(REPLY_DATE, YINZHOU) == []
    services.platform_close(platform=serving, on=D(2023, 3, 1), reason="场地收回", actor=None)
    assert [t.code for t in townships_without_platform(REPLY_DATE, YINZHOU)] == [XIAYING, ZHONGGONGMIAO]
    assert townships_without_platform(D(2023, 2, 28), YINZHOU) == []


def test_a_township_with_its_own_platform_is_not_counted_as_served_by_a_neighbour():
    make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    make_platform(ZHONGGONGMIAO)
    (yinzhou,) = township_coverage(REPLY_DATE, YINZHOU)
    assert (yinzhou.covered, yinzhou.served_by_neighbour) == (2, 0)


def test_the_arithmetic_of_the_reply_152_platforms_cover_all_156_townships():
    """1 innovation park, 1 city hub, 10 district hubs and 140 township platforms, 16 of which serve a
    second township of their district: 152 platforms ("150余个") and every township and street covered
    ("全覆盖"); the six functional zones are not townships and need none."""
    make_platform(CITY, kind=PlatformKind.INNOVATION_PARK, name="宁波(鄞州)社会组织创新园", opened_on=D(2020, 5, 1))
    make_platform(CITY, name="宁波市社会组织服务中心")
    by_district = {}
    for township in Division.objects.filter(counted_townships_q(), successor__isnull=True).order_by("code"):
        by_district.setdefault(township.parent_id, []).append(township.code)
    pairs = 0
    for district, codes in sorted(by_district.items()):
        make_platform(district)
        while codes:
            if pairs < 16 and len(codes) >= 2:
                make_platform(codes.pop(0), serves=(codes.pop(0),))
                pairs += 1
            else:
                make_platform(codes.pop(0))
    counts = platform_counts(REPLY_DATE)
    assert counts["total"] == 152 and counts["by_kind"] == {"hub": 151, "support": 0, "innovation_park": 1}
    assert Platform.objects.filter(level="township").count() == 140
    rows = township_coverage(REPLY_DATE)
    assert sum(row.townships for row in rows) == sum(row.covered for row in rows) == 156
    assert sum(row.served_by_neighbour for row in rows) == 16
    assert (sum(row.zones for row in rows), sum(row.zones_with_platform for row in rows)) == (6, 0)


# The API: a list of township codes, 400 naming the field, jurisdiction, coverage, history.


def test_api_creates_reads_and_changes_served_townships_as_codes(clerk_api):
    created = clerk_api.post(URL, payload(served_townships=[MEIXU, ZHONGGONGMIAO]), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["served_townships"] == [ZHONGGONGMIAO, MEIXU]
    url = f"{URL}{created.json()['id']}/"
    assert clerk_api.get(url).json()["served_townships"] == [ZHONGGONGMIAO, MEIXU]
    kept = clerk_api.patch(url, {"address": "鄞州区下应街道"}, format="json")
    assert kept.status_code == 200 and kept.json()["served_townships"] == [ZHONGGONGMIAO, MEIXU]
    cleared = clerk_api.patch(url, {"served_townships": []}, format="json")
    assert cleared.status_code == 200 and cleared.json()["served_townships"] == []
    platform = Platform.objects.get(pk=created.json()["id"])
    changes = [changes for action, changes in history_of(platform) if "served_townships" in changes]
    assert changes == [
        {"served_townships": [[], [ZHONGGONGMIAO, MEIXU]]},
        {"served_townships": [[ZHONGGONGMIAO, MEIXU], []]},
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"served_townships": [NANMEN]},  # a township of another district
        {"served_townships": [XIAYING]},  # its own township
        {"served_townships": [YINZHOU]},  # a district
        {"served_townships": ["330212999"]},  # no such division
        {"served_townships": ZHONGGONGMIAO},  # not a list
        {"level": "district", "division": YINZHOU, "served_townships": [XIAYING]},  # only township platforms serve
    ],
)
def test_api_refuses_what_may_not_be_served_with_400_naming_served_townships(clerk_api, fields):
    response = clerk_api.post(URL, payload(**fields), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["served_townships"]
    assert not Platform.objects.exists()


def test_api_refuses_serving_another_district_on_update_and_changes_nothing(clerk_api):
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    response = clerk_api.patch(f"{URL}{platform.pk}/", {"served_townships": [MEIXU, NANMEN]}, format="json")
    assert response.status_code == 400 and "served_townships" in response.json()
    assert served_codes(platform) == [ZHONGGONGMIAO]
    moved = clerk_api.patch(f"{URL}{platform.pk}/", {"division": NANMEN}, format="json")
    assert moved.status_code == 400 and "served_townships" in moved.json()
    assert Platform.objects.get(pk=platform.pk).division_id == XIAYING


def test_a_district_system_cannot_reach_into_another_district_through_served_townships(yinzhou_api):
    ours = make_platform(XIAYING)
    theirs = make_platform(NANMEN)
    own = yinzhou_api.patch(f"{URL}{ours.pk}/", {"served_townships": [ZHONGGONGMIAO]}, format="json")
    assert own.status_code == 200 and own.json()["served_townships"] == [ZHONGGONGMIAO]
    across = yinzhou_api.patch(f"{URL}{ours.pk}/", {"served_townships": [JIANGXIA]}, format="json")
    assert across.status_code == 400 and "served_townships" in across.json()
    assert yinzhou_api.patch(f"{URL}{theirs.pk}/", {"served_townships": [JIANGXIA]}, format="json").status_code == 403
    assert served_codes(ours) == [ZHONGGONGMIAO] and served_codes(theirs) == []


def test_last_updated_from_sees_a_change_of_served_townships(clerk_api):
    platform = make_platform(XIAYING)
    stamp = Platform.objects.get(pk=platform.pk).last_updated
    later = (stamp + datetime.timedelta(microseconds=1)).isoformat()
    assert clerk_api.get(URL, {"last_updated_from": later}).json()["count"] == 0
    services.platform_set_served_townships(platform=platform, townships=townships(MEIXU), actor=None)
    synced = clerk_api.get(URL, {"last_updated_from": later}).json()["results"]
    assert [(row["id"], row["served_townships"]) for row in synced] == [(platform.pk, [MEIXU])]


def test_the_township_filter_lists_the_platforms_in_or_serving_a_township(clerk_api):
    serving = make_platform(XIAYING, serves=(ZHONGGONGMIAO, MEIXU))
    own = make_platform(ZHONGGONGMIAO)
    make_platform(NANMEN)
    response = clerk_api.get(URL, {"township": ZHONGGONGMIAO})
    assert response.status_code == 200
    assert sorted(row["id"] for row in response.json()["results"]) == sorted([serving.pk, own.pk])
    assert [row["id"] for row in clerk_api.get(URL, {"township": MEIXU}).json()["results"]] == [serving.pk]


def test_coverage_endpoint_counts_served_townships_and_uncovers_them_when_the_platform_closes(clerk_api):
    for township in Division.objects.filter(parent_id=YINZHOU, level="township").exclude(code=MEIXU):
        make_platform(township.code, opened_on=D(2019, 1, 1))
    serving = Platform.objects.get(division_id=XIAYING)
    assert clerk_api.patch(f"{URL}{serving.pk}/", {"served_townships": [MEIXU]}, format="json").status_code == 200
    before = clerk_api.get(COVERAGE, {"district": YINZHOU, "as_of": "2023-06-15"}).json()
    assert before["full_coverage"] is True and before["covered"] == 25
    assert before["served_by_neighbour"] == before["districts"][0]["served_by_neighbour"] == 1

    closed = clerk_api.post(f"{URL}{serving.pk}/close/", {"date": "2023-03-01", "reason": "场地收回"}, format="json")
    assert closed.status_code == 200, closed.json()
    after = clerk_api.get(COVERAGE, {"district": YINZHOU, "as_of": "2023-06-15"}).json()
    assert after["full_coverage"] is False and after["served_by_neighbour"] == 0
    assert [t["code"] for t in after["uncovered"]] == [XIAYING, MEIXU]


# The admin: autocomplete of townships, the model's rules on the form, the history.


@pytest.fixture
def clerk_browser(client):
    client.force_login(make_user(Role.CLERK))
    return client


def admin_form(**fields):
    data = {
        "name": "下应片区社会组织服务中心",
        "kind": "hub",
        "level": "township",
        "division": XIAYING,
        "opened_on": "2019-01-01",
    }
    for prefix in ("assessments", "ratings", "incubations", "funding"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(fields)
    return data


def test_admin_edits_served_townships_with_autocomplete(clerk_browser):
    page = clerk_browser.get(f"{ADMIN}add/").content.decode()
    assert 'name="served_townships"' in page and "admin-autocomplete" in page
    assert "同时服务的其他镇乡（街道）" in page
    found = clerk_browser.get(
        "/admin/autocomplete/",
        {"app_label": "platforms", "model_name": "platform", "field_name": "served_townships", "term": "鄞州"},
    )
    assert found.status_code == 200
    assert found.json()["results"] == []  # 鄞州区 is a district, not offered
    found = clerk_browser.get(
        "/admin/autocomplete/",
        {"app_label": "platforms", "model_name": "platform", "field_name": "served_townships", "term": "3302120"},
    )
    assert {row["id"] for row in found.json()["results"]} >= {XIAYING, ZHONGGONGMIAO}
    assert all(len(row["id"]) == 9 for row in found.json()["results"])


def test_admin_saves_served_townships_and_records_them_in_the_history(clerk_browser):
    response = clerk_browser.post(f"{ADMIN}add/", admin_form(served_townships=[ZHONGGONGMIAO, MEIXU]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    platform = Platform.objects.get(name="下应片区社会组织服务中心")
    assert served_codes(platform) == [ZHONGGONGMIAO, MEIXU]
    assert {"served_townships": [[], [ZHONGGONGMIAO, MEIXU]]} in [changes for _, changes in history_of(platform)]
    listing = clerk_browser.get(ADMIN).content.decode()
    assert "钟公庙街道、梅墟街道" in listing
    make_platform(MEIXU, name="梅墟街道社会组织服务中心")
    found = clerk_browser.get(ADMIN, {"q": "梅墟街道"}).context["cl"].result_list
    assert sorted(p.name for p in found) == ["下应片区社会组织服务中心", "梅墟街道社会组织服务中心"]  # once each


def test_admin_refuses_a_township_of_another_district_on_the_field(clerk_browser):
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    response = clerk_browser.post(
        f"{ADMIN}{platform.pk}/change/", admin_form(name=platform.name, served_townships=[ZHONGGONGMIAO, NANMEN])
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["served_townships"] and NANMEN in errors["served_townships"][0]
    assert served_codes(platform) == [ZHONGGONGMIAO]


def test_admin_moves_a_platform_and_its_served_townships_together(clerk_browser):
    platform = make_platform(XIAYING, serves=(ZHONGGONGMIAO,))
    response = clerk_browser.post(
        f"{ADMIN}{platform.pk}/change/", admin_form(name=platform.name, division=NANMEN, served_townships=[JIANGXIA])
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    platform.refresh_from_db()
    assert platform.division_id == NANMEN and served_codes(platform) == [JIANGXIA]


def test_admin_coverage_page_counts_townships_served_by_a_neighbour(clerk_browser):
    make_platform(XIAYING, serves=(ZHONGGONGMIAO,), opened_on=D(2019, 1, 1))
    page = clerk_browser.get("/admin/platforms/townshipcoverage/", {"district": YINZHOU, "as_of": "2023-06-15"})
    text = page.content.decode()
    assert "钟公庙街道（330212002）" not in text and "梅墟街道（330212004）" in text
    assert "<td>2</td><td>1</td>" in text  # covered 2, of which 1 served by another township's platform


def test_the_export_lists_the_served_township_codes(clerk_api):
    make_platform(XIAYING, serves=(ZHONGGONGMIAO, MEIXU))
    response = clerk_api.get(URL, {"format": "csv"})
    assert response.status_code == 200
    header, row = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[:2]
    assert "同时服务的其他镇乡（街道）" in header.split(",")
    assert f"{ZHONGGONGMIAO}、{MEIXU}" in row.split(",")
