"""The change feed: the outbox (core.models.OutboxEvent) read in commit order, per reader.

Gapless (docs/decisions/0260-gapless-feed.md): on PostgreSQL each event carries its writing
transaction's id; a page holds only events of transactions older than every transaction still
running in its database (FEED_HORIZON_SQL), ordered by (xid, id), so no event can later appear before a cursor
already handed out. SQLite serialises its writers: there the id is commit order (xid is 0).

`data` is the record as the reader's GET answered in the change's own transaction (masked alike), null
for a tombstone: a record removed, or one that left a district reader's jurisdiction. It is rendered when
the event is written (`render_stored`, registered with core.outbox) for a reader who sees the record's
personal data, with the fields every other reader sees masked beside it, and served as the stored JSON
text: a page is one index scan and a concatenation (docs/decisions/0390-feed-renderings-stored.md); only
a reader who sees the masked fields has its records parsed and written again. An event written before
renderings were stored is rendered when read, as the reader's GET answers then.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import functools
import json
import re
import typing
from json.encoder import encode_basestring

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.utils.encoders import JSONEncoder

from core import outbox
from core.access import Principal, principal_of
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
        outbox.register(
            model,
            resource=resource.name,
            status_fields=fields & set(STATUS_FIELDS),
            render=functools.partial(render_stored, resource.name),
        )


# The renderings stored with an event: the two kinds of reader whose GETs of one record differ. Every feed
# resource masks by its serializer's `personal_fields` alone (core.api.serializers.RegistrySerializer;
# tests/integration/test_feed_renderings.py holds each reader's GET equal to the rendering it is served).


class _PrincipalOnly:
    """A user who is nothing but a principal (core.access.principal_of reads it first)."""

    is_authenticated = True
    pk = None

    def __init__(self, principal: Principal):
        self._registry_principal = principal


# Sees every record's personal data: clerks, auditors, the district (or its township desks) holding it.
INSIDER = _PrincipalOnly(Principal(Role.CLERK, read_only=True))
# Sees none: any other reader. Its list queryset is the one that joins what masking reads (a filing's township).
OUTSIDER = _PrincipalOnly(Principal(Role.DISTRICT, read_only=True))


def reads_unmasked(principal: Principal, district: str) -> bool:
    """Whether the reader's GET of a record of `district` ("" for a city-level record) shows its personal data."""
    return principal.sees_all_personal_data or principal.sees_personal_data_of(district or None)


def as_json(value) -> str:
    """JSON text as the API's renderer writes it (rest_framework.renderers.JSONRenderer with our settings)."""
    text = json.dumps(value, cls=JSONEncoder, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_stored(name: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """The records of resource `name` with these ids as their GET answers now: the insider's rendering,
    and the fields the outsider's differs in ("" when none; the serializer's own masking of the
    insider's). One query set and one list rendering for them all, as the resource's list renders a page.
    A record its list does not hold (a GET would not find it) stores null."""
    with translation.override(settings.LANGUAGE_CODE):  # every reader is served the same text
        return _render_stored(feed_resources()[name], ids)


def _render_stored(resource: Resource, ids: list[int]) -> dict[int, tuple[str, str]]:
    view = resource.viewset(request=reader_request(OUTSIDER), action="list", format_kwarg=None, kwargs={}, args=())
    found = list(view.get_queryset().filter(pk__in=ids))
    serializer_class = view.get_serializer_class()
    context = view.get_serializer_context()
    insiders = serializer_class(found, many=True, context={**context, "request": reader_request(INSIDER)}).data
    outsider = serializer_class(context=context)
    stored = {pk: ("null", "") for pk in ids}
    for instance, row in zip(found, insiders, strict=True):
        masked = outsider.finish_representation(instance, dict(row))
        differ = {name: value for name, value in masked.items() if name not in row or row[name] != value}
        stored[instance.pk] = (as_json(row), as_json(differ) if differ else "")
    return stored


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


class Event(typing.NamedTuple):
    """An event as the feed reads it (the columns of core.models.OutboxEvent it serves, without a model
    instance: a page of 1,000 is read in a fraction of the time)."""

    pk: int
    xid: int
    occurred_at: datetime.datetime
    resource: str
    object_id: int
    action: str
    district_before: str
    district_after: str
    etag: str
    data: str | None
    masked_fields: str


def events_after(cursor: tuple[int, int] | None, *, district: str | None, resources=None, limit: int) -> list[Event]:
    events = committed_events()
    if resources is not None:
        events = events.filter(resource__in=list(resources))
    if cursor is not None:
        table = OutboxEvent._meta.db_table
        events = events.extra(where=[f'("{table}"."xid", "{table}"."id") > (%s, %s)'], params=list(cursor))
    if district is None:
        rows = events.order_by("xid", "id").values_list(*Event._fields)[:limit]
    elif connection.vendor == "postgresql":
        # The events that arrive in or stay in the district, and those that leave it, each read in order
        # from its own index (outbox_district_after_idx, outbox_district_before_idx) and merged: a page
        # reads about `limit` rows of each at any depth, however much the other districts wrote. One
        # statement, so both parts see the same horizon.
        arriving = events.filter(district_after=district).order_by("xid", "id").values_list(*Event._fields)
        leaving = events.filter(district_before=district).exclude(district_after=district)
        leaving = leaving.order_by("xid", "id").values_list(*Event._fields)
        rows = arriving[:limit].union(leaving[:limit], all=True).order_by("xid", "id")[:limit]
    else:
        events = events.filter(district_after=district) | events.filter(district_before=district)
        rows = events.order_by("xid", "id").values_list(*Event._fields)[:limit]
    return [Event(*row) for row in rows]


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


def reader_rows(events: list[Event | OutboxEvent], user, request=None) -> list[tuple[Event | OutboxEvent, str, str]]:
    """Each event as the reader sees it: (event, its action — a tombstone when it left the reader's
    district —, the record as JSON text: the rendering stored for the reader's kind, or null for a
    tombstone). An event stored without renderings is rendered now, by the reader's GET."""
    principal = principal_of(user)
    district = reader_district(user)
    rows, unstored = [], {}
    for event in events:
        action = reader_action(event, district)
        if action in {outbox.EventAction.REMOVED, outbox.LEFT_JURISDICTION}:
            text = "null"
        elif event.data is None:
            text = None
            unstored.setdefault(event.resource, set()).add(event.object_id)
        elif event.masked_fields and not reads_unmasked(principal, event.district_after):
            text = as_json({**json.loads(event.data), **json.loads(event.masked_fields)})
        else:
            text = event.data
        rows.append((event, action, text))
    if unstored:
        request = reader_request(user, request)
        records = {name: _records(name, ids, request) for name, ids in unstored.items()}
        rows = [
            (event, action, as_json(records[event.resource].get(event.object_id)) if text is None else text)
            for event, action, text in rows
        ]
    return rows


def _head(event: Event | OutboxEvent, action: str) -> dict:
    return {
        "cursor": encode_cursor(event.xid, event.pk),
        "occurred_at": event.occurred_at,
        "resource": event.resource,
        "id": event.object_id,
        "action": action,
        "etag": event.etag or None,
    }


def render(events: list[Event | OutboxEvent], user, request=None) -> list[dict]:
    """The events as the reader sees them (`reader_rows`), each a dict of the feed's event."""
    return [
        {**_head(event, action), "data": json.loads(text)} for event, action, text in reader_rows(events, user, request)
    ]


def page_json(events: list[Event], user, next_cursor: str, request=None) -> str:
    """A page of the feed as JSON text, `{"results": [...], "next_cursor": "..."}`, written around the
    stored renderings without reading them: what `render` gives, as the API's renderer writes it (the
    event's own fields written here, as rest_framework's JSON encoder writes them)."""
    results = ",".join(
        f'{{"cursor":"{encode_cursor(event.xid, event.pk)}","occurred_at":{_timestamp(event.occurred_at)},'
        f'"resource":{encode_basestring(event.resource)},"id":{int(event.object_id)},'
        f'"action":{encode_basestring(action)},"etag":{encode_basestring(event.etag) if event.etag else "null"},'
        f'"data":{text}}}'
        for event, action, text in reader_rows(events, user, request)
    )
    return f'{{"results":[{results}],"next_cursor":{as_json(next_cursor)}}}'


def _timestamp(moment: datetime.datetime) -> str:
    text = moment.isoformat()
    return f'"{text[:-6]}Z"' if text.endswith("+00:00") else f'"{text}"'


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
