"""The change feed: the outbox (core.models.OutboxEvent) read in commit order, per reader.

Gapless (docs/decisions/0260-gapless-feed.md): on PostgreSQL each event carries its writing
transaction's id; a page holds only events of transactions older than every transaction still
running in its database (FEED_HORIZON_SQL), ordered by (xid, id), so no event can later appear before a cursor
already handed out. SQLite serialises its writers: there the id is commit order (xid is 0).

`data` is the record as the reader would GET it at the time of reading (masked alike), null for a
tombstone: a record removed, or one that left a district reader's jurisdiction.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import re

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import RequestFactory
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from core import outbox
from core.access import principal_of
from core.choices import Role
from core.models import OutboxEvent

# A change of one of these fields is a `status_changed` event.
STATUS_FIELDS = ("status", "revoked_on", "removed_on", "closed_on")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
BIGINT_MAX = 2**63 - 1
_CURSOR = re.compile(r"^(\d{1,19})\.(\d{1,19})$")


@dataclasses.dataclass(frozen=True)
class Resource:
    name: str
    viewset: type

    @property
    def model(self):
        return self.viewset.queryset.model


def _routers():
    # integration is the top layer: it reads every app's router.
    from core.api import urls as core_api
    from platforms.api import urls as platforms_api
    from procurement.api import urls as procurement_api
    from ratings.api import urls as ratings_api
    from registry.api import urls as registry_api
    from reports.api import urls as reports_api

    return [app.router for app in (core_api, registry_api, ratings_api, platforms_api, procurement_api, reports_api)]


@functools.cache
def feed_resources() -> dict[str, Resource]:
    """The feed's resources by name (their API prefix), as `INTEGRATION_FEED_RESOURCES` lists them; a
    name no router has is skipped (annual reports are `inspections` until they are renamed)."""
    viewsets = {prefix: viewset for router in _routers() for prefix, viewset, _basename in router.registry}
    found: dict[str, Resource] = {}
    for name in settings.INTEGRATION_FEED_RESOURCES:
        viewset = viewsets.get(name)
        # A model is one resource: the first name listed wins (an old prefix kept as an alias is skipped).
        if viewset is not None and all(viewset.queryset.model is not r.model for r in found.values()):
            found[name] = Resource(name, viewset)
    return found


def register_outbox_models() -> None:
    for resource in feed_resources().values():
        model = resource.model
        fields = {field.name for field in model._meta.concrete_fields}
        outbox.register(model, resource=resource.name, status_fields=fields & set(STATUS_FIELDS))


# Cursors: opaque to clients, "<xid>.<id>" in URL-safe base64 to us.


def encode_cursor(xid: int, event_id: int) -> str:
    return base64.urlsafe_b64encode(f"{xid}.{event_id}".encode()).decode().rstrip("=")


def decode_cursor(raw: str) -> tuple[int, int]:
    """(xid, id) of a cursor this feed gave, else a 400 naming `after`."""
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        text = ""
    found = _CURSOR.match(text) if raw.isascii() and len(raw) <= 60 else None
    if found is None or max(int(found[1]), int(found[2])) > BIGINT_MAX:
        raise ValidationError({"after": [_("Not a cursor of this feed: send a next_cursor it answered.")]})
    return int(found[1]), int(found[2])


def parse_limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 0
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationError({"limit": [_("Enter a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}]})
    return size


# Who sees which events.


def reader_district(user) -> str | None:
    """The district whose events a reader follows, or None for a reader of every event (clerks,
    auditors). A township desk (DESIGN §9) follows its township's district."""
    principal = principal_of(user)
    if principal.role == Role.DISTRICT:
        return principal.district or "-"  # a district system bound to no district sees nothing
    township = getattr(principal, "township", None)
    if township:
        return township[:6]
    return None


# The oldest transaction of this database still running when the statement's snapshot was taken, else
# the snapshot's xmax: every event of a lower xid is committed (and seen by this snapshot) or rolled back.
# `pg_snapshot_xmin` alone would do, but it counts the transactions of every database of the server: a
# long one elsewhere would hold the feed back. Only a transaction pg_stat_activity places in another
# database is left out; one it does not place (finished meanwhile, hidden, prepared) still counts.
FEED_HORIZON_SQL = """
SELECT COALESCE(
    (SELECT min(running::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) AS running
     WHERE running::text::bigint %% 4294967296 NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname <> current_database())),
    pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
"""


def committed_events():
    """Events no still-running transaction can precede: all of them on SQLite."""
    events = OutboxEvent.objects.all()
    if connection.vendor == "postgresql":
        events = events.filter(xid__lt=RawSQL(FEED_HORIZON_SQL, []))
    return events


def events_after(cursor: tuple[int, int] | None, *, district: str | None, resources=None, limit: int):
    events = committed_events()
    if resources is not None:
        events = events.filter(resource__in=list(resources))
    if district is not None:
        events = events.filter(district_after=district) | events.filter(district_before=district)
    if cursor is not None:
        table = OutboxEvent._meta.db_table
        events = events.extra(where=[f'("{table}"."xid", "{table}"."id") > (%s, %s)'], params=list(cursor))
    return list(events.order_by("xid", "id")[:limit])


def reader_action(event: OutboxEvent, district: str | None) -> str:
    if district is not None and event.district_before == district and event.district_after != district:
        return outbox.LEFT_JURISDICTION
    return event.action


def reader_request(user, request=None) -> Request:
    """The reader's GET as the resource's own view sees it (masking reads the user)."""
    if request is not None:
        return request
    plain = RequestFactory().get("/api/v1/feed/")
    plain.user = user
    wrapped = Request(plain)
    wrapped.user = user
    return wrapped


def render(events: list[OutboxEvent], user, request=None) -> list[dict]:
    """Each event as the reader sees it: its action (a tombstone when it left the reader's district),
    and the record as the reader's GET of it answers now, or null for a tombstone or a record gone."""
    request = reader_request(user, request)
    district = reader_district(user)
    actions = {event.pk: reader_action(event, district) for event in events}
    wanted: dict[str, set[int]] = {}
    for event in events:
        if actions[event.pk] not in {outbox.EventAction.REMOVED, outbox.LEFT_JURISDICTION}:
            wanted.setdefault(event.resource, set()).add(event.object_id)
    records = {name: _records(name, ids, request) for name, ids in wanted.items()}
    rows = []
    for event in events:
        data = records.get(event.resource, {}).get(event.object_id)
        if actions[event.pk] in {outbox.EventAction.REMOVED, outbox.LEFT_JURISDICTION}:
            data = None
        rows.append(
            {
                "cursor": encode_cursor(event.xid, event.pk),
                "occurred_at": event.occurred_at,
                "resource": event.resource,
                "id": event.object_id,
                "action": actions[event.pk],
                "etag": event.etag or None,
                "data": data,
            }
        )
    return rows


def _records(name: str, ids: set[int], request) -> dict[int, dict]:
    """The resource's records with these ids, rendered by its own view and serializer for the reader:
    one query set per resource and page, as the resource's list renders a page."""
    resource = feed_resources().get(name)
    if resource is None:
        return {}
    view = resource.viewset(request=request, action="list", format_kwarg=None, kwargs={}, args=())
    found = list(view.get_queryset().filter(pk__in=ids))
    data = view.get_serializer(found, many=True).data
    return {row["id"]: row for row in data}


def feed_lag_seconds() -> float:
    """How far the feed is behind the writes: the age of the oldest event written but not yet served
    (an earlier transaction still open holds it back); 0 when every event is served."""
    if connection.vendor != "postgresql":
        return 0.0
    held = OutboxEvent.objects.filter(xid__gte=RawSQL(FEED_HORIZON_SQL, [])).order_by("xid", "id").first()
    if held is None:
        return 0.0
    return max((timezone.now() - held.occurred_at).total_seconds(), 0.0)
