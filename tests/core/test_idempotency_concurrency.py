"""Idempotency-Key under concurrency: two copies of one POST sent at once write once (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from core import idempotency
from core.models import ApiToken, ChangeRecord, IdempotencyKey
from registry.models import Organization
from tests.conftest import api_client_for, make_user
from tests.exports.builders import org_row

BULK = "/api/v1/organizations/bulk/"


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's test database is in memory: two threads cannot hold concurrent transactions there.",
)
def test_two_copies_sent_at_once_write_once_and_answer_the_same(committed_db, monkeypatch):
    """Two threads, two connections: both reach the key's claim together (a barrier); the second waits on
    the first's row, then answers its response."""
    first_record = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    user = make_user("clerk", username="idempotency-clerk")
    clients = [api_client_for(user), api_client_for(user)]
    rows = [org_row()]
    barrier = threading.Barrier(2, timeout=20)
    original = idempotency.fingerprint_of

    def fingerprint_then_wait(request):
        result = original(request)
        barrier.wait()
        return result

    monkeypatch.setattr(idempotency, "fingerprint_of", fingerprint_then_wait)
    answers, errors = [], []

    def send(client):
        try:
            response = post(client, BULK, rows, key="at-once")
            answers.append((response.status_code, response.json()))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        assert [status for status, _body in answers] == [200, 200] and answers[0][1] == answers[1][1]
        assert Organization.objects.filter(uscc=rows[0]["uscc"]).count() == 1
    finally:
        Organization.objects.filter(uscc=rows[0]["uscc"]).delete()
        IdempotencyKey.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        user.delete()
        ChangeRecord.objects.filter(pk__gt=first_record).delete()
