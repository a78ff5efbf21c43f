"""A CSV download closed before its end stops PostgreSQL's COPY (core/exports/copy.py). Apart from
tests/exports/test_copy.py, whose tests each run in a transaction: closing the connection of an
interrupted COPY would end it."""

import datetime
import threading

import pytest
from django.db import connection

from core.exports import copy as export_copy
from core.models import ApiToken, ChangeRecord, ExportLog
from registry.models import CommunityOrganization, Division, FilingNumberCounter
from tests.conftest import api_client_for, make_user, test_database_is_set_up
from tests.registry.builders import make_filing

URL = "/api/v1/community-organizations/"


# A year no other test files in, so the filing-number counter this test commits can be removed.
INTERRUPTED_YEAR_DATE = datetime.date(2001, 5, 1)


def test_these_tests_have_a_test_database(db):
    """Asks for the database like any test, so that this module alone gets a test database to commit to."""
    assert test_database_is_set_up()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_download_closed_early_stops_the_copy_and_leaves_a_working_connection(committed_db, monkeypatch):
    """Committed rows (the test's own, removed after it): closing the connection of an interrupted COPY
    must not end a test transaction, so this test has none."""
    monkeypatch.setattr(export_copy, "QUEUE_CHUNKS", 1)
    monkeypatch.setattr(export_copy, "COPY_CHUNK_BYTES", 512)
    first_record = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_log = ExportLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    user = make_user("clerk", username="copy-interrupted-clerk")
    filings = [make_filing(filed_on=INTERRUPTED_YEAR_DATE) for _ in range(60)]
    try:
        response = api_client_for(user).get(URL, {"format": "csv"})
        content = iter(response.streaming_content)
        next(content), next(content)  # the header, then the first rows from COPY
        response.close()  # what the server does when the client goes away

        assert not [thread for thread in threading.enumerate() if thread.name == "csv-export-copy"]
        assert CommunityOrganization.objects.filter(pk__in=[f.pk for f in filings]).count() == 60
    finally:
        CommunityOrganization.objects.filter(pk__in=[f.pk for f in filings]).delete()
        Division.objects.filter(code__in={f.community_id for f in filings}).delete()
        FilingNumberCounter.objects.filter(year=INTERRUPTED_YEAR_DATE.year).delete()
        ExportLog.objects.filter(pk__gt=first_log).delete()
        ApiToken.objects.filter(user=user).delete()
        user.delete()
        ChangeRecord.objects.filter(pk__gt=first_record).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_the_copy_outlasts_the_statement_timeout_and_leaves_it_as_it_was(committed_db, monkeypatch):
    """Outside any transaction, as in production: a COPY longer than the web requests' statement timeout
    completes, and the connection keeps its timeout afterwards (nothing sticks to a pooled connection)."""
    slow = "COPY (SELECT n FROM generate_series(1, 3) AS n, pg_sleep(0.4)) TO STDOUT WITH CSV"
    monkeypatch.setattr(export_copy, "copy_statement", lambda queryset, expressions: slow)
    first_record = ChangeRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    first_log = ExportLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    user = make_user("clerk", username="copy-timeout-clerk")
    try:
        client = api_client_for(user)
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 250")
        content = b"".join(client.get(URL, {"format": "csv"}).streaming_content)
        assert content.endswith(b"1\n2\n3\n")
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone()[0] == "250ms"
            cursor.execute("SET statement_timeout = 0")
    finally:
        ExportLog.objects.filter(pk__gt=first_log).delete()
        ApiToken.objects.filter(user=user).delete()
        user.delete()
        ChangeRecord.objects.filter(pk__gt=first_record).delete()
