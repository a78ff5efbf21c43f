"""`/healthz` answers the checks and 503 when the primary database cannot be reached; `/metrics` speaks
Prometheus to allowed addresses or a bearer token only."""

import copy
import re

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from core import health
from tests.conftest import make_organization


@pytest.mark.django_db(databases="__all__")
def test_healthz_answers_200_with_each_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["replica"]["ok"] is True
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_counts_a_registered_check_that_fails_as_degraded_not_down(client, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "queue", lambda: (_ for _ in ()).throw(RuntimeError("queue table missing")))
    body = client.get("/healthz").json()
    assert body["status"] == "degraded" and body["checks"]["queue"] == {
        "ok": False,
        "error": "RuntimeError: queue table missing",
    }


def unreachable_connection():
    """A real connection to the configured database engine, at a place where no database answers."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    if settings_dict["ENGINE"].endswith("sqlite3"):
        settings_dict["NAME"] = "/nonexistent-directory/registry.sqlite3"
    else:
        settings_dict.update(HOST="127.0.0.1", PORT="1")
        settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "connect_timeout": 2}
    backend = load_backend(settings_dict["ENGINE"])
    return backend.DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)


@pytest.mark.django_db
def test_healthz_is_503_when_the_primary_database_is_unreachable(client, monkeypatch):
    broken = unreachable_connection()
    monkeypatch.setattr(health, "connections", {DEFAULT_DB_ALIAS: broken})
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["error"]


@pytest.mark.django_db
def test_metrics_speak_prometheus_with_latency_by_route(client, clerk_api):
    organization = make_organization()
    clerk_api.get(f"/api/v1/organizations/{organization.pk}/")
    response = client.get("/metrics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'method="GET",route="organization-detail",status="2xx"' in text
    assert 'registry_db_seconds_count{route="organization-detail"}' in text
    routes = {line.split('route="')[1].split('"')[0] for line in text.splitlines() if 'route="' in line}
    assert not any(str(organization.pk) in route for route in routes)


@pytest.mark.django_db
def test_metrics_refuse_other_addresses_unless_the_token_is_given(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    allowed = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer scrape-secret")
    assert allowed.status_code == 200


@pytest.mark.django_db(databases="__all__")
def test_healthz_and_metrics_report_the_job_queue_depth(client):
    from jobs.queue import run_command

    run_command.enqueue("prune_exports")
    body = client.get("/healthz").json()
    assert body["checks"]["queue"]["depth"] == 1 and body["checks"]["queue"]["ok"] is True
    text = client.get("/metrics").content.decode()
    assert "registry_queue_depth 1.0" in text
    assert "registry_feed_lag_seconds 0.0" in text


@pytest.mark.django_db
def test_metrics_count_the_bytes_of_each_export_sent(client, clerk_api):
    from prometheus_client import REGISTRY

    def sent(file_format: str) -> float:
        return REGISTRY.get_sample_value("registry_export_bytes_total", {"format": file_format}) or 0.0

    make_organization(name="导出字节计数协会")
    before = {file_format: sent(file_format) for file_format in ("csv", "xlsx")}
    csv = b"".join(clerk_api.get("/api/v1/organizations/", {"format": "csv"}).streaming_content)
    xlsx = b"".join(clerk_api.get("/api/v1/organizations/", {"format": "xlsx"}).streaming_content)
    assert "导出字节计数协会".encode() in csv
    assert sent("csv") - before["csv"] == len(csv)
    assert sent("xlsx") - before["xlsx"] == len(xlsx)
    text = client.get("/metrics").content.decode()
    scraped = re.search(r'^registry_export_bytes_total\{format="csv"\} (\S+)$', text, re.MULTILINE)
    assert scraped and float(scraped.group(1)) == sent("csv")
