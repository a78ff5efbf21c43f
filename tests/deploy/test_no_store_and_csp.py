"""Responses with personal data are never stored by a cache (Cache-Control: no-store), and the admin and
the API send a Content-Security-Policy that admits nothing inline and nothing from elsewhere
(docs/decisions/0132-content-security-policy.md)."""

import re

import pytest
from django.test import Client

from tests.conftest import make_organization
from tests.registry.builders import make_filing

pytestmark = pytest.mark.django_db


def policy_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_never_stored(response) -> None:
    assert "no-store" in response["Cache-Control"], response.get("Cache-Control")
    assert "private" in response["Cache-Control"]


@pytest.fixture
def clerk_browser(client, clerk):
    client.force_login(clerk)
    return client


def test_api_lists_details_and_exports_of_people_bearing_records_are_never_stored(clerk_api):
    organization = make_organization(phone="13812345678")
    filing = make_filing()
    for url in [
        "/api/v1/organizations/",
        f"/api/v1/organizations/{organization.pk}/",
        "/api/v1/organizations/?format=csv",
        "/api/v1/organizations/?format=xlsx",
        "/api/v1/community-organizations/",
        f"/api/v1/community-organizations/{filing.pk}/",
        "/api/v1/changes/",
    ]:
        response = clerk_api.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response)


def test_admin_pages_and_exports_are_never_stored(clerk_browser):
    make_organization(phone="13812345678")
    for url in [
        "/admin/registry/organization/",
        "/admin/registry/communityorganization/",
        "/admin/reports/dashboard/",
    ]:
        response = clerk_browser.get(url)
        assert response.status_code == 200, url
        assert_never_stored(response)


def test_the_api_and_the_admin_send_a_policy_without_inline_script_or_style(clerk_api, clerk_browser):
    for response in [clerk_api.get("/api/v1/organizations/"), clerk_browser.get("/admin/registry/organization/")]:
        policy = policy_of(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy_of(Client().get("/admin/login/"))["script-src"] == ["'self'"]


def test_the_dashboard_has_no_inline_style_or_script(clerk_browser):
    make_organization()
    page = clerk_browser.get("/admin/reports/dashboard/").content.decode()
    assert "<svg" in page
    assert "<style" not in page and not re.search(r"\sstyle=", page)
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", page)


def test_the_api_docs_load_their_script_from_the_registry_not_inline(clerk_browser):
    page = clerk_browser.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "fonts.googleapis.com" not in clerk_browser.get("/api/redoc/").content.decode()
    script = clerk_browser.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert policy_of(page)["style-src"] == ["'self'"]
