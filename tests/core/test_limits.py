"""Per-token throttling, the request body cap, malformed JSON and X-Request-ID."""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from core.choices import Role
from core.models import ApiToken, ChangeRecord
from core.throttling import RoleRateThrottle
from registry.models import Organization
from tests.conftest import api_client_for, make_organization, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/organizations/"


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


# --- throttling -----------------------------------------------------------------------------------


def test_the_clerks_default_allows_at_least_10000_requests_an_hour():
    number, seconds = RoleRateThrottle().parse_rate(settings.REGISTRY_THROTTLE_RATES[Role.CLERK])
    assert number * 3600 / seconds >= 10_000


def test_over_the_rate_is_429_with_retry_after_counted_per_token(settings, clerk):
    settings.REGISTRY_THROTTLE_RATES = {**settings.REGISTRY_THROTTLE_RATES, Role.CLERK: "3/hour"}
    first, second = api_client_for(clerk), api_client_for(clerk)
    assert [first.get(URL).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(URL)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "detail" in refused.json()
    assert second.get(URL).status_code == 200  # another token of the same client has its own count


def test_a_token_may_carry_its_own_rate(clerk):
    token, key = ApiToken.issue(user=clerk, rate_limit="2/minute")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get(URL)["Retry-After"]) <= 60


def test_a_malformed_rate_is_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ApiToken.issue(user=make_user(Role.CLERK), rate_limit="lots")


# --- request body -------------------------------------------------------------------------------


def full_row(serial: int) -> dict:
    """An organization row with every text field at its longest (Chinese text: 3 bytes, or 6 escaped)."""
    return {
        "uscc": f"51330212MJ{serial:07d}X",
        "name": "宁" * 200,
        "org_type": "social_service",
        "registered_by": "330212",
        "registered_on": "2020-05-01",
        "domicile": "330212",
        "legal_representative": "张" * 50,
        "supervising_unit": "民" * 200,
        "business_scope": "业" * 1000,
        "field": "elderly_children",
        "address": "路" * 300,
        "phone": "0" * 30,
        "is_hub": True,
        "is_support": False,
        "is_community_foundation": False,
    }


def test_the_body_cap_admits_a_1000_row_batch_even_with_escaped_unicode(clerk_api):
    body = json.dumps([full_row(n) for n in range(settings.REGISTRY_BULK_MAX_ROWS)])  # \\uXXXX escapes
    assert len(body.encode()) < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = clerk_api.generic("POST", URL, body, content_type="application/json")
    # The list reached the serializer (which wants one object here): the body was read, not refused.
    assert response.status_code == 400 and response.status_code != 413
    assert "non_field_errors" in response.json()


def test_an_oversized_body_is_413_in_json_and_writes_nothing(clerk_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    records = ChangeRecord.objects.count()
    response = clerk_api.generic("POST", URL, json.dumps({"name": "x" * 2000}), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "1000" in response.json()["detail"]
    assert response["X-Request-ID"]
    assert ChangeRecord.objects.count() == records and not Organization.objects.exists()


def test_an_oversized_form_body_is_413_in_json_too(clerk_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = clerk_api.post(URL, {"name": "x" * 2000})  # multipart: Django's own cap
    assert response.status_code == 413 and "detail" in response.json()


@pytest.mark.parametrize("body", ['{"name": "未闭合', "{'name': 'single quotes'}", "[1, 2,]", "\ufeff{}"])
def test_malformed_json_is_a_clear_400(clerk_api, body):
    response = clerk_api.generic("POST", URL, body.encode(), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "JSON" in response.json()["detail"]


def test_a_body_that_is_not_utf8_is_a_clear_400(clerk_api):
    response = clerk_api.generic("POST", URL, '{"name": "宁波"}'.encode("gbk"), content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()


# --- X-Request-ID --------------------------------------------------------------------------------


def test_a_well_formed_request_id_is_echoed_and_recorded(clerk_api):
    organization = make_organization()
    response = clerk_api.patch(
        f"{URL}{organization.pk}/", {"address": "甲"}, format="json", HTTP_X_REQUEST_ID="yz-sync:2024-03-01_0001"
    )
    assert response["X-Request-ID"] == "yz-sync:2024-03-01_0001"
    record = ChangeRecord.objects.filter(content_type__model="organization", object_id=organization.pk).first()
    assert record.request_id == "yz-sync:2024-03-01_0001"


@pytest.mark.parametrize("given", ["has spaces", "x" * 200, "<script>", "-leading-dash", "中文"])
def test_a_malformed_request_id_is_replaced(clerk_api, given):
    response = clerk_api.get(URL, HTTP_X_REQUEST_ID=given)
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


def test_every_response_has_a_request_id_even_errors(anonymous_api, clerk_api):
    assert anonymous_api.get(URL)["X-Request-ID"]
    assert clerk_api.get(URL, {"nope": 1})["X-Request-ID"]
    assert clerk_api.get("/api/v1/no-such-thing/")["X-Request-ID"]
