"""Deployment hardening: production settings pass Django's deployment checklist, responses carry the
security headers, and what one request may ask for or send is capped."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production server: DEBUG off, a real secret, the public host name."""
    names = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "PERSONAL_DATA_KEYS"}
    env = {key: value for key, value in os.environ.items() if key not in names}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        PERSONAL_DATA_KEYS=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="registry.nbmz.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.update(extra)
    return env


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def production_settings(code_before: str = "", **extra: str) -> dict:
    """Settings as a production process sees them, read in a fresh interpreter."""
    code = (
        f"{code_before}\n"
        "import json, django\n"
        "from django.conf import settings\n"
        "django.setup()\n"
        "names = ['DEBUG', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',\n"
        "    'SESSION_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',\n"
        "    'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'X_FRAME_OPTIONS',\n"
        "    'SECURE_PROXY_SSL_HEADER', 'DATA_UPLOAD_MAX_MEMORY_SIZE', 'REGISTRY_MAX_PAGE_SIZE']\n"
        "values = {name: getattr(settings, name) for name in names}\n"
        "values['db_options'] = settings.DATABASES['default'].get('OPTIONS', {}).get('options', '')\n"
        "print(json.dumps(values))\n"
    )
    result = run_python(code, production_env(**extra))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_passes_with_production_settings_from_the_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    env.pop("SECRET_KEY")
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_the_personal_data_keys():
    env = production_env()
    env.pop("PERSONAL_DATA_KEYS")
    result = run_python("import django; django.setup()", env)
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEYS must be set" in result.stderr


def test_production_settings_send_cookies_over_https_only_and_ask_for_hsts():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    # nginx terminates TLS and says so in X-Forwarded-Proto.
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


POSTGRES = "postgres://registry@127.0.0.1:5432/registry"


def test_web_server_entry_point_sets_a_statement_timeout_by_default():
    values = production_settings("import config.wsgi", DATABASE_URL=POSTGRES)
    assert "-c statement_timeout=30000" in values["db_options"]


def test_management_commands_have_no_statement_timeout():
    """seed_demo, migrate and imports run long statements on purpose."""
    values = production_settings(DATABASE_URL=POSTGRES)
    assert "statement_timeout" not in values["db_options"]


def test_statement_timeout_is_configurable_for_the_web_server():
    values = production_settings("import config.wsgi", DATABASE_URL=POSTGRES, DB_STATEMENT_TIMEOUT_MS="5000")
    assert "-c statement_timeout=5000" in values["db_options"]


def test_statement_timeout_keeps_options_given_in_the_database_url():
    values = production_settings("import config.wsgi", DATABASE_URL=POSTGRES + "?options=-c%20lock_timeout%3D2000")
    assert values["db_options"] == (
        "-c lock_timeout=2000 -c statement_timeout=30000 "
        "-c jit=off -c random_page_cost=1.1 -c parallel_setup_cost=10000"
    )


def test_web_server_entry_point_sets_the_planner_for_short_requests_and_commands_keep_the_defaults():
    web = production_settings("import config.wsgi", DATABASE_URL=POSTGRES)["db_options"]
    assert "-c jit=off -c random_page_cost=1.1 -c parallel_setup_cost=10000" in web
    command = production_settings(DATABASE_URL=POSTGRES)["db_options"]
    assert "jit" not in command and "random_page_cost" not in command
    tuned = production_settings("import config.wsgi", DATABASE_URL=POSTGRES, DB_PLANNER_SETTINGS="jit=on")
    assert tuned["db_options"].endswith("-c statement_timeout=30000 -c jit=on")


def test_a_malformed_planner_setting_is_refused_by_name():
    result = run_python(
        "import django; django.setup()", production_env(DATABASE_URL=POSTGRES, DB_PLANNER_SETTINGS="jit=off;drop")
    )
    assert result.returncode != 0 and "DB_PLANNER_SETTINGS: 'jit=off;drop' is not name=value" in result.stderr


PRODUCTION_HEADERS = {
    "SECURE_SSL_REDIRECT": False,  # the test client speaks plain HTTP; secure=True marks the request as HTTPS
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


@override_settings(**PRODUCTION_HEADERS)
def test_api_responses_carry_the_security_headers(clerk_api):
    response = clerk_api.get("/api/v1/organizations/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@override_settings(**PRODUCTION_HEADERS)
def test_admin_pages_cannot_be_framed_and_cookies_are_secure_and_http_only(client, clerk):
    response = client.get("/admin/login/", secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": clerk.username, "password": "pw-Registry-2026", "csrfmiddlewaretoken": csrf.value},
        secure=True,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_to_https_when_the_redirect_is_on(clerk_api):
    response = clerk_api.get("/api/v1/organizations/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_page_size_above_the_cap_is_refused(clerk_api):
    response = clerk_api.get("/api/v1/organizations/", {"page_size": 1001})
    assert response.status_code == 400
    assert "page_size" in response.json()


def test_page_size_at_the_cap_is_served(clerk_api):
    assert clerk_api.get("/api/v1/organizations/", {"page_size": 1000}).status_code == 200


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_json_body_above_the_upload_cap_is_refused_before_it_is_read(clerk_api):
    """DRF reads JSON from the raw stream, which Django's own cap does not cover."""
    body = {"name": "大" * 3_000}
    response = clerk_api.post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 413
    assert "2000" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_json_body_within_the_upload_cap_reaches_the_view(clerk_api):
    response = clerk_api.post("/api/v1/organizations/", {"name": "小"}, format="json")
    assert response.status_code == 400  # validation of the missing fields, not the cap
    assert "uscc" in response.json()


def test_default_upload_cap_admits_a_full_bulk_batch():
    """A 1,000-row batch of full organization rows is about 2 MB of JSON."""
    values = production_settings()
    assert values["DATA_UPLOAD_MAX_MEMORY_SIZE"] >= 5 * 1024 * 1024
    assert values["REGISTRY_MAX_PAGE_SIZE"] == 1000


@pytest.mark.django_db
def test_openapi_schema_describes_the_token_scheme(clerk_api):
    response = clerk_api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schemes = response.json()["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "`Token <key>`: the key printed by `manage.py create_api_client` or shown once in the "
        "admin when a clerk issues a token.",
    }
