"""The verification API (DESIGN §11): anonymous, the page's facts, throttled per address, cacheable."""

import datetime

import pytest
from rest_framework.test import APIClient

from tests.conftest import make_organization
from tests.public.builders import list_organization, make_rated_organization

pytestmark = [pytest.mark.django_db, pytest.mark.today("2024-05-10")]


def test_anonymous_detail_answers_status_grade_and_validity_and_no_phone(anonymous_api):
    organization, evaluation = make_rated_organization(grade=5, phone="13912345678")
    response = anonymous_api.get(f"/api/public/v1/organizations/{organization.uscc}/")
    assert response.status_code == 200
    data = response.json()
    assert (data["status"], data["grade"], data["grade_label"]) == ("active", 5, "5A")
    assert (data["grade_valid_from"], data["grade_valid_until"]) == ("2022-06-01", "2027-05-31")
    assert data["certificate"] == evaluation.pk
    assert "13912345678" not in response.content.decode() and "phone" not in data and "address" not in data


def test_detail_names_exactly_the_public_facts(anonymous_api):
    organization = make_organization()
    list_organization(organization)
    data = anonymous_api.get(f"/api/public/v1/organizations/{organization.uscc}/").json()
    assert set(data) == {
        "uscc", "name", "org_type", "org_type_label", "registered_by", "domicile", "registered_on", "status",
        "status_label", "status_date", "legal_representative", "business_scope", "supervising_unit", "grade",
        "grade_label", "grade_valid_from", "grade_valid_until", "certificate", "honours", "credit_lists",
        "annual_reports", "registration_events",
    }  # fmt: skip
    assert data["credit_lists"][0]["list_kind"] == "abnormal" and data["credit_lists"][0]["listed_on"] == "2023-03-01"


def test_unknown_and_not_public_codes_are_404(anonymous_api):
    hidden = make_organization(public=False, not_public_reason="涉密")
    assert anonymous_api.get(f"/api/public/v1/organizations/{hidden.uscc}/").status_code == 404
    assert anonymous_api.get("/api/public/v1/organizations/91330200MA2XXXXXXX/").status_code == 404
    assert anonymous_api.get("/api/public/v1/organizations/x/").status_code == 404


def test_search_lists_by_name_fragment_with_grade(anonymous_api, django_assert_max_num_queries):
    for n in range(5):
        make_rated_organization(name=f"宁波市核验接口协会{n}")
    make_organization(name="宁波市核验接口不公示协会", public=False, not_public_reason="涉密")
    with django_assert_max_num_queries(2):
        response = anonymous_api.get("/api/public/v1/organizations/", {"q": "核验接口"})
    data = response.json()
    assert data["count"] == 5 and {row["grade"] for row in data["results"]} == {4}
    assert set(data["results"][0]) == {
        "uscc",
        "name",
        "org_type",
        "status",
        "status_date",
        "grade",
        "grade_valid_until",
    }


def test_search_needs_two_characters_and_known_parameters(anonymous_api):
    assert anonymous_api.get("/api/public/v1/organizations/", {"q": "会"}).status_code == 400
    assert anonymous_api.get("/api/public/v1/organizations/").status_code == 400
    response = anonymous_api.get("/api/public/v1/organizations/", {"q": "协会", "nmae": "x"})
    assert response.status_code == 400 and "nmae" in response.json()


def test_a_token_is_not_needed_nor_checked(anonymous_api):
    organization = make_organization()
    anonymous_api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert anonymous_api.get(f"/api/public/v1/organizations/{organization.uscc}/").status_code == 200


def test_requests_beyond_the_rate_get_429_with_retry_after(settings):
    settings.PUBLIC_API_THROTTLE_RATE = "3/minute"
    organization = make_organization()
    url = f"/api/public/v1/organizations/{organization.uscc}/"
    client = APIClient(REMOTE_ADDR="203.0.113.7")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert APIClient(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200  # per client address


def test_answers_carry_cache_control_and_an_etag_and_304_on_if_none_match(anonymous_api, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 600
    organization = make_organization()
    url = f"/api/public/v1/organizations/{organization.uscc}/"
    first = anonymous_api.get(url)
    assert first["Cache-Control"] == "public, max-age=600" or set(first["Cache-Control"].split(", ")) == {
        "public",
        "max-age=600",
    }
    second = anonymous_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 304 and second["ETag"] == first["ETag"] and not second.content
    organization.name = "宁波市改名后的协会"
    organization.save()
    assert anonymous_api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_public_api_has_its_own_schema_and_stays_out_of_the_main_one(anonymous_api, clerk_api):
    schema = anonymous_api.get("/api/public/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert set(paths) == {"/api/public/v1/organizations/", "/api/public/v1/organizations/{uscc}/"}
    main = clerk_api.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert not [path for path in main if path.startswith("/api/public/")]


def test_only_get_is_allowed(anonymous_api):
    assert anonymous_api.post("/api/public/v1/organizations/", {}, format="json").status_code == 405


def test_a_rating_past_its_validity_is_no_grade(anonymous_api):
    organization, _ = make_rated_organization(concluded_on=datetime.date(2018, 6, 1))
    data = anonymous_api.get(f"/api/public/v1/organizations/{organization.uscc}/").json()
    assert data["grade"] is None and data["certificate"] is None


def test_behind_the_proxy_each_forwarded_client_is_counted_apart(settings):
    settings.PUBLIC_API_THROTTLE_RATE = "2/minute"
    settings.REGISTRY_TRUSTED_PROXIES = 1
    organization = make_organization()
    url = f"/api/public/v1/organizations/{organization.uscc}/"
    nginx = APIClient(REMOTE_ADDR="127.0.0.1")
    first = [nginx.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code for _ in range(3)]
    assert first == [200, 200, 429]
    assert nginx.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
    # An address the client writes itself (left of the proxy's entry) changes nothing.
    assert nginx.get(url, HTTP_X_FORWARDED_FOR="10.0.0.9, 198.51.100.1").status_code == 429
