"""Reads that may go to a streaming read replica (DESIGN §13, docs/decisions/0360-read-replica.md).

With `REPLICA_DATABASE_URL` set, `DATABASES["replica"]` exists and `ReadReplicaRouter` sends the long
reads there: exports (`?format=csv|xlsx` and the admin's export views), statistics and the dashboard,
the public pages and open data. Everything else, every write, and any read of a client that wrote in
the last `REPLICA_STICKY_SECONDS` go to the primary, so a district system reads its own writes.

The decision is made once per request by `ReplicaReadMiddleware` and carried by a context variable,
so a streamed export keeps reading from the replica while its body is sent. A read inside an open
transaction on the primary always stays on the primary: it must see that transaction's own writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXPORT_FORMATS = frozenset({"csv", "xlsx"})

_reads_replica: ContextVar[bool] = ContextVar("registry_reads_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_ROUTING


@contextlib.contextmanager
def reading_from_replica(enabled: bool = True) -> Iterator[None]:
    """Run a block whose reads may go to the replica (a management command's long reads)."""
    token = _reads_replica.set(enabled)
    try:
        yield
    finally:
        _reads_replica.reset(token)


def stream_on_replica(chunks: Iterable) -> Iterator:
    """A streamed body whose lazy reads run on the replica: the request's choice holds for each chunk,
    though the server pulls them after the middleware has returned."""
    iterator = iter(chunks)
    while True:
        token = _reads_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reads_replica.reset(token)
        yield chunk


class ReadReplicaRouter:
    """Reads chosen for the replica go there; writes, migrations and everything else to the primary."""

    def db_for_read(self, model, **hints):
        if not (_reads_replica.get() and replica_configured()):
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def client_key(request) -> str | None:
    """Who is asking, for read-your-writes: the API credential, else the signed-in user."""
    credential = request.headers.get("Authorization", "")
    if credential:
        return "token:" + hashlib.sha256(credential.encode("utf-8", "surrogatepass")).hexdigest()
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _sticky_key(client: str) -> str:
    return f"registry:replica-sticky:{client}"


def is_replica_route(request) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    if request.GET.get("format", "").lower() in EXPORT_FORMATS:
        return True
    return any(pattern.search(request.path) for pattern in _route_patterns())


_patterns_cache: dict[tuple, list[re.Pattern]] = {}


def _route_patterns() -> list[re.Pattern]:
    key = tuple(settings.REPLICA_READ_PATHS)
    if key not in _patterns_cache:
        _patterns_cache[key] = [re.compile(pattern) for pattern in key]
    return _patterns_cache[key]


class ReplicaReadMiddleware:
    """Decides, per request, whether its reads may use the replica (after authentication, so the
    client is known). Writes mark their client for `REPLICA_STICKY_SECONDS`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        client = client_key(request)
        if request.method not in SAFE_METHODS:
            if client:
                cache.set(_sticky_key(client), True, timeout=settings.REPLICA_STICKY_SECONDS)
            return self.get_response(request)
        use_replica = is_replica_route(request) and not (client and cache.get(_sticky_key(client)))
        token = _reads_replica.set(use_replica)
        try:
            response = self.get_response(request)
        finally:
            _reads_replica.reset(token)
        if use_replica and response.streaming:
            response.streaming_content = stream_on_replica(response.streaming_content)
        return response


def replica_lag_seconds() -> float | None:
    """Seconds since the last transaction the replica replayed (0 when it has replayed everything the
    primary sent); None without a replica."""
    if REPLICA not in settings.DATABASES:
        return None
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
            "ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END"
        )
        (lag,) = cursor.fetchone()
    return float(lag or 0)
