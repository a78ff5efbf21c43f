"""What the fuzzing found (tests/fuzz/test_schemathesis.py), pinned as plain rules."""

import datetime

import pytest


@pytest.mark.django_db
def test_divisions_take_no_last_updated_filter(clerk_api):
    """Divisions have no last_updated: the filter is refused as unknown, never a 500."""
    response = clerk_api.get("/api/v1/divisions/", {"last_updated_from": "2024-01-01"})
    assert response.status_code == 400
    assert "last_updated_from" in response.json()


@pytest.mark.django_db
def test_timestamp_filter_with_an_offset_postgresql_cannot_store_is_read_in_utc(clerk_api):
    """Found by fuzzing: +22:54 is a valid ISO 8601 offset for Python, not for PostgreSQL (a 500)."""
    response = clerk_api.get("/api/v1/organizations/", {"last_updated_from": "1195-07-06T11:48:07+22:54"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_timestamp_filter_at_the_edge_of_the_calendar_is_a_400(clerk_api):
    response = clerk_api.get("/api/v1/organizations/", {"last_updated_from": "0001-01-01T00:00:00+10:00"})
    assert response.status_code == 400
    assert "last_updated_from" in response.json()


@pytest.mark.django_db
def test_division_list_admits_a_blank_urban_rural_class_in_its_schema(clerk_api):
    schema = clerk_api.get("/api/schema/", {"format": "json"}).json()
    field = schema["components"]["schemas"]["Division"]["properties"]["urban_rural_class"]
    assert any(part.get("$ref", "").endswith("/BlankEnum") for part in field.get("oneOf", [])), field


@pytest.mark.django_db
def test_id_filter_beyond_64_bit_integers_is_a_400(clerk_api):
    response = clerk_api.get("/api/v1/community-organizations/", {"registered_as": "-5.05e274"})
    assert response.status_code == 400
    assert "registered_as" in response.json()


@pytest.mark.django_db
def test_related_id_beyond_64_bit_integers_is_not_found(clerk_api):
    response = clerk_api.post("/api/v1/annual-reports/", {"organization": 10**30, "year": 2022}, format="json")
    assert response.status_code == 400
    assert "organization" in response.json()


@pytest.mark.django_db
def test_bulk_row_naming_a_division_by_an_object_is_a_row_error(clerk_api):
    rows = [{"name": "甲", "township": {"code": "330212001"}, "community": {}, "category": "other"}]
    response = clerk_api.post("/api/v1/community-organizations/bulk/", rows, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 0


@pytest.mark.django_db
def test_bulk_takes_json_only(clerk_api):
    response = clerk_api.post("/api/v1/organizations/bulk/", {"name": "甲"}, format="multipart")
    assert response.status_code == 415


@pytest.mark.django_db
def test_schema_documents_the_export_formats_of_every_list(clerk_api):
    paths = clerk_api.get("/api/schema/", {"format": "json"}).json()["paths"]
    content = paths["/api/v1/community-organizations/"]["get"]["responses"]["200"]["content"]
    assert set(content) >= {"application/json", "text/csv", XLSX}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/changes/", "/api/v1/export-log/"])
@pytest.mark.parametrize("export", [None, "csv"])
def test_until_the_last_day_of_the_calendar_is_read_not_overflowed(clerk_api, path, export):
    """Found by hand: `until=9999-12-31` overflowed computing the next day (a 500)."""
    query = {"until": "9999-12-31"} | ({"format": export} if export else {})
    response = clerk_api.get(path, query)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert "until" in response.json()


def _organization_count():
    from registry.models import Organization

    return Organization.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        '{"name": "\\ud800", "uscc": "x"}',
        '{"\\udfff": 1}',
        '[{"uscc": "\\ud800"}]',
    ],
)
def test_a_lone_surrogate_in_json_is_a_400(clerk_api, body):
    """Found by hand: an error message echoing "\\ud800" made the renderer fail (a 500)."""
    before = _organization_count()
    for path in ("/api/v1/organizations/", "/api/v1/organizations/bulk/"):
        response = clerk_api.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert "detail" in response.json()
    assert _organization_count() == before


@pytest.mark.django_db
def test_json_nested_a_thousand_deep_is_a_400(clerk_api):
    """Found by hand: 1,000 levels of nesting raised RecursionError (a 500)."""
    for body in ("[" * 1000 + "]" * 1000, '{"name": ' + "[" * 40 + "]" * 40 + "}", "[" * 100000):
        response = clerk_api.post("/api/v1/organizations/", body, content_type="application/json")
        assert response.status_code == 400, response.status_code
        assert "detail" in response.json()


@pytest.mark.django_db
def test_a_body_in_a_documented_charset_is_decoded_as_declared(clerk_api):
    body = '{"name": "宁波市测试协会"}'.encode("gb18030")
    for charset in ("gb18030", "GBK"):
        response = clerk_api.generic(
            "POST", "/api/v1/organizations/", body, content_type=f"application/json; charset={charset}"
        )
        assert response.status_code == 400, response.status_code
        assert "name" not in response.json()  # decoded: the name was read, the missing fields are named
        assert "uscc" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["latin-1", "utf-16", "x-unknown"])
def test_a_body_in_an_undocumented_charset_is_a_415(clerk_api, charset):
    before = _organization_count()
    body = '{"name": "abc"}'.encode("utf-16" if charset == "utf-16" else "latin-1")
    for path in ("/api/v1/organizations/", "/api/v1/organizations/bulk/"):
        response = clerk_api.generic("POST", path, body, content_type=f"application/json; charset={charset}")
        assert response.status_code == 415, (path, response.status_code)
    assert _organization_count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "abc", "１", " 1", "+1", "99999", "1" * 40])
def test_a_page_that_does_not_exist_is_a_400_naming_page(clerk_api, page):
    """Found by hand: these were 404s, as for a missing record."""
    response = clerk_api.get("/api/v1/organizations/", {"page": page})
    assert response.status_code == 400, response.status_code
    assert "page" in response.json()


@pytest.mark.django_db
def test_the_first_page_of_an_empty_list_is_a_200(clerk_api):
    response = clerk_api.get("/api/v1/organizations/", {"page": "1", "q": "没有这样的名字"})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["１０", " 10", "+10", "10 ", "1e1", "0x10"])
def test_page_size_takes_plain_ascii_digits_only(clerk_api, size):
    response = clerk_api.get("/api/v1/organizations/", {"page_size": size})
    assert response.status_code == 400, response.status_code
    assert "page_size" in response.json()


@pytest.mark.django_db
def test_bulk_with_a_query_parameter_it_does_not_know_is_a_400_and_writes_nothing(clerk_api):
    """Found by hand: `bulk/?dry_run=1` wrote the batch (before bulk knew `dry_run`; a misspelt one must not)."""
    from tests.exports.builders import org_row

    before = _organization_count()
    for query in ("dryrun=1", "dry_run=1&commit=0"):
        response = clerk_api.post(f"/api/v1/organizations/bulk/?{query}", [org_row()], format="json")
        assert response.status_code == 400
        assert {"dryrun"} <= set(response.json()) or {"commit"} <= set(response.json())
    assert _organization_count() == before


@pytest.mark.django_db
def test_create_update_and_actions_with_a_query_parameter_are_a_400_naming_it(clerk_api):
    from tests.conftest import make_organization

    organization = make_organization()
    before = _organization_count()
    created = clerk_api.post("/api/v1/organizations/?format=json&x=1", {"name": "甲"}, format="json")
    assert created.status_code == 400 and {"format", "x"} <= set(created.json())
    assert _organization_count() == before
    path = f"/api/v1/organizations/{organization.pk}/"
    for method in ("put", "patch"):
        response = getattr(clerk_api, method)(f"{path}?name=x", {"address": "新址"}, format="json")
        assert response.status_code == 400 and "name" in response.json()
    action = clerk_api.post(f"{path}deregister/?force=1", {"date": "2024-01-01", "reason": "注销"}, format="json")
    assert action.status_code == 400 and "force" in action.json()
    organization.refresh_from_db()
    assert organization.address != "新址" and organization.status == "active"
    assert clerk_api.delete(f"{path}?x=1").status_code == 405


@pytest.mark.django_db
def test_detail_routes_ignore_list_filters(yinzhou_api):
    """Found by hand: a detail route applied the list's filters, so the owner's PATCH with
    `?district=` answered 404 and a GET with another district's filter too."""
    from tests.conftest import make_organization

    organization = make_organization(registered_by="330212")
    path = f"/api/v1/organizations/{organization.pk}/"
    response = yinzhou_api.patch(f"{path}?district=330212", {"address": "新址"}, format="json")
    assert response.status_code == 400 and "district" in response.json()
    organization.refresh_from_db()
    assert organization.address != "新址"
    for district in ("330212", "330203"):
        assert yinzhou_api.get(path, {"district": district}).status_code == 200
    response = yinzhou_api.get(path, {"distirct": "330212"})
    assert response.status_code == 400 and "distirct" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("value", [1313.9, 1313.0, True, "1313.9", "１３１３", [1313]])
def test_an_id_that_is_not_a_whole_number_is_a_400_not_truncated(clerk_api, value):
    """Found by hand: `"organization": 1313.9` was read as 1313."""
    from ratings.models import Evaluation
    from tests.conftest import make_organization

    organization = make_organization(pk=1313)
    body = {"organization": value, "grade": 3, "concluded_on": "2024-01-01"}
    response = clerk_api.post("/api/v1/evaluations/", body, format="json")
    assert response.status_code == 400, response.status_code
    assert "organization" in response.json()
    assert not Evaluation.objects.filter(organization=organization).exists()
    in_bulk = clerk_api.post(
        "/api/v1/community-organizations/bulk/",
        [
            {
                "name": "甲",
                "township": "330212001",
                "community": "330212001001",
                "category": "other",
                "registered_as": value,
            }
        ],
        format="json",
    )
    assert in_bulk.status_code == 400
    assert "registered_as" in in_bulk.json()["errors"][0]


@pytest.mark.django_db
def test_an_id_as_a_string_of_digits_is_still_accepted(clerk_api):
    from tests.conftest import make_organization
    from tests.ratings.builders import filed_last_years_report

    organization = make_organization(pk=1313)
    filed_last_years_report(organization, datetime.date(2024, 1, 1))
    body = {"organization": "1313", "grade": 3, "concluded_on": "2024-01-01"}
    response = clerk_api.post("/api/v1/evaluations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["organization"] == organization.pk


@pytest.mark.django_db
def test_an_evaluation_concluded_in_9999_is_a_400_naming_concluded_on(clerk_api):
    """Found by hand: concluded_on 9999-06-01 overflowed computing the validity (a 500)."""
    from ratings.models import Evaluation
    from tests.conftest import make_organization

    organization = make_organization()
    body = {"organization": organization.pk, "grade": 3, "concluded_on": "9999-06-01"}
    response = clerk_api.post("/api/v1/evaluations/", body, format="json")
    assert response.status_code == 400
    assert "concluded_on" in response.json()
    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_an_organization_registered_on_9999_12_31_is_a_400_naming_registered_on(clerk_api):
    from registry.models import Organization
    from tests.core.matrix_builders import organization_payload

    body = organization_payload("330212") | {"registered_on": "9999-12-31"}
    response = clerk_api.post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 400
    assert "registered_on" in response.json()
    assert not Organization.objects.filter(uscc=body["uscc"]).exists()
