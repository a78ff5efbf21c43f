"""`GET /healthz` for load balancers and monitoring (DESIGN §13, docs/deploy.md "Health and metrics").

Each check answers a small dict; the primary database is the one that decides the status code (503
when it cannot be reached: the instance can serve nothing). A replica that lags or is down, or a deep
job queue, is reported for alerting but keeps the instance in service: the router's reads can be
moved to the primary by turning `REPLICA_ROUTING` off. Apps add checks with `register_check` (the job
queue adds its depth)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.replica import REPLICA, replica_lag_seconds

CHECKS: dict[str, Callable[[], dict]] = {}


def register_check(name: str, check: Callable[[], dict]) -> None:
    """Add a named check: a callable answering a JSON-able dict (raise to report it failing)."""
    CHECKS[name] = check


def database_check() -> dict:
    started = time.perf_counter()
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def replica_check() -> dict:
    if REPLICA not in settings.DATABASES:
        return {"ok": True, "configured": False}
    lag = replica_lag_seconds()
    return {
        "ok": lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS,
        "configured": True,
        "lag_seconds": lag,
        "max_lag_seconds": settings.REPLICA_MAX_LAG_SECONDS,
    }


def run_check(check: Callable[[], dict]) -> dict:
    try:
        return check()
    except Exception as error:  # a failing dependency is reported, never a 500
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


@never_cache
@require_GET
def healthz(request):
    results = {"database": run_check(database_check), "replica": run_check(replica_check)}
    for name, check in CHECKS.items():
        results[name] = run_check(check)
    healthy = results["database"]["ok"]
    body = {"status": "ok" if healthy and all(r.get("ok") for r in results.values()) else "degraded"}
    if not healthy:
        body["status"] = "unavailable"
    body["checks"] = results
    return JsonResponse(body, status=200 if healthy else 503)
