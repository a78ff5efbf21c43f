"""Builders of the feed and webhook tests.

The feed serves, on PostgreSQL, only events of transactions older than every running one: a test that
reads the feed of rows it wrote itself must commit them (`committed_feed`), and removes them after."""

import time

import pytest
from django.contrib.auth import get_user_model

from core.models import ChangeRecord, OutboxEvent
from integration.models import WebhookSubscription
from registry.models import Organization


def last_pk(model) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def committed_feed(committed_db):
    """The committed database; afterwards every organization, user, change record and event the test
    wrote is removed."""
    marks = {model: last_pk(model) for model in (Organization, ChangeRecord, OutboxEvent, get_user_model())}
    yield
    WebhookSubscription.objects.all().delete()
    Organization.objects.filter(pk__gt=marks[Organization]).delete()
    get_user_model().objects.filter(pk__gt=marks[get_user_model()]).delete()
    ChangeRecord.objects.filter(pk__gt=marks[ChangeRecord]).delete()
    OutboxEvent.objects.filter(pk__gt=marks[OutboxEvent]).delete()


def follow(client, *, after=None, until, timeout=30.0, limit=1000) -> tuple[list[dict], str]:
    """Read `feed/` page by page from `after` until `until(events)` holds (events become readable only
    when every older transaction of the server has ended: other connections may hold them back)."""
    seen, cursor, deadline = [], after, time.monotonic() + timeout
    while True:
        query = {"limit": limit} if cursor is None else {"after": cursor, "limit": limit}
        response = client.get("/api/v1/feed/", query)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(body["results"])
        cursor = body["next_cursor"]
        if until(seen):
            return seen, cursor
        if not body["results"]:
            assert time.monotonic() < deadline, f"the feed did not show the events in time: {seen}"
            time.sleep(0.05)


def start_of(client) -> str:
    """A cursor at the feed's present end (the events committed before the test)."""
    cursor = None
    while True:
        query = {"limit": 1000} if cursor is None else {"after": cursor, "limit": 1000}
        body = client.get("/api/v1/feed/", query).json()
        if not body["results"]:
            return body["next_cursor"]
        cursor = body["next_cursor"]
