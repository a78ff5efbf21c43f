"""The read replica (DESIGN §13): with `REPLICA_DATABASE_URL` set (.ci/run starts a real streaming replica
with scripts/start-replica), exports and statistics read from the replica, ordinary reads and every
write from the primary, and a client that has just written reads its own writes from the primary.

These tests run against the real replica: the rows a test commits on the primary reach it by
streaming replication. Without a replica (SQLite, or PostgreSQL without REPLICA_DATABASE_URL) they
skip and say so; the router's choices are also tested without one below."""

import time

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from core.replica import REPLICA, ReadReplicaRouter, reading_from_replica
from registry.models import Organization
from tests.conftest import api_client_for, make_organization, make_user

needs_replica = pytest.mark.skipif(
    REPLICA not in settings.DATABASES,
    reason="needs a streaming replica: set REPLICA_DATABASE_URL (scripts/start-replica makes one; .ci/run does)",
)
replica_db = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


def wait_for_replay(timeout: float = 20.0) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError(f"the replica did not replay up to {target} within {timeout} s")


@pytest.fixture
def routing(settings):
    settings.REPLICA_ROUTING = True


@needs_replica
@pytest.mark.replica
@pytest.mark.restores_baseline
@replica_db
def test_the_replica_is_a_real_hot_standby_of_the_test_database(baseline_kept, routing):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]


@needs_replica
@pytest.mark.replica
@pytest.mark.restores_baseline
@replica_db
def test_an_export_reads_from_the_replica_and_a_plain_read_from_the_primary(baseline_kept, routing):
    organization = make_organization(name="复制库导出测试协会")
    auditor = api_client_for(make_user("auditor", username="replica-auditor"))
    wait_for_replay()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        export = auditor.get("/api/v1/organizations/", {"format": "csv"})
        body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and "复制库导出测试协会" in body
    assert any("registry_organization" in query["sql"] for query in on_replica.captured_queries)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        detail = auditor.get(f"/api/v1/organizations/{organization.pk}/")
    assert detail.status_code == 200 and not on_replica.captured_queries


@needs_replica
@pytest.mark.replica
@pytest.mark.restores_baseline
@replica_db
def test_statistics_read_from_the_replica(baseline_kept, routing):
    make_organization()
    auditor = api_client_for(make_user("auditor", username="replica-stats"))
    wait_for_replay()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = auditor.get("/api/v1/stats/")
    assert response.status_code == 200 and on_replica.captured_queries


@needs_replica
@pytest.mark.replica
@pytest.mark.restores_baseline
@replica_db
def test_a_client_that_just_wrote_reads_its_export_from_the_primary(baseline_kept, routing):
    organization = make_organization(address="旧址")
    clerk = api_client_for(make_user("clerk", username="replica-clerk"))
    written = clerk.patch(f"/api/v1/organizations/{organization.pk}/", {"address": "新址"}, format="json")
    assert written.status_code == 200
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        export = clerk.get("/api/v1/organizations/", {"format": "csv"})
        body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "新址" in body and not on_replica.captured_queries


@pytest.mark.django_db
def test_without_routing_every_read_goes_to_the_primary(settings):
    settings.REPLICA_ROUTING = False
    with reading_from_replica():
        assert ReadReplicaRouter().db_for_read(Organization) is None
    assert ReadReplicaRouter().db_for_write(Organization) == DEFAULT_DB_ALIAS


@pytest.mark.django_db
def test_a_read_inside_a_primary_transaction_stays_on_the_primary(monkeypatch):
    monkeypatch.setattr("core.replica.replica_configured", lambda: True)
    with reading_from_replica():
        # pytest-django's test transaction is open on the primary: its rows are not on any replica.
        assert connections[DEFAULT_DB_ALIAS].in_atomic_block
        assert ReadReplicaRouter().db_for_read(Organization) == DEFAULT_DB_ALIAS


def test_migrations_run_only_on_the_primary():
    router = ReadReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "registry") and not router.allow_migrate(REPLICA, "registry")
