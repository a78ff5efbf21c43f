"""Prometheus metrics at `/metrics` (DESIGN §13; the metric names and alert thresholds are in
docs/deploy.md "Health and metrics"), written with the official client library `prometheus-client`.

- `registry_request_seconds{method,route,status}`: request latency by URL route (the route's name,
  e.g. `organization-detail`, never the raw path, so ids do not explode the label set).
- `registry_db_seconds{route}`: database time spent by each request.
- `registry_export_bytes_total{format}`: bytes of exports sent.
- gauges read when scraped, from the checks apps register (`register_gauge`): job queue depth,
  feed lag, replica lag.

Under gunicorn with several workers set `PROMETHEUS_MULTIPROC_DIR` (an empty directory per start):
each process writes its samples there and `/metrics` aggregates them. `/metrics` answers only the
addresses in `METRICS_ALLOWED_IPS` or a request bearing `Authorization: Bearer <METRICS_TOKEN>`.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

REQUEST_SECONDS = Histogram(
    "registry_request_seconds", "Request latency by route", ["method", "route", "status"], buckets=LATENCY_BUCKETS
)
DB_SECONDS = Histogram("registry_db_seconds", "Database time per request", ["route"], buckets=LATENCY_BUCKETS)
EXPORT_BYTES = Counter("registry_export_bytes", "Bytes of exports sent", ["format"])

GAUGES: dict[str, tuple[str, Callable[[], float | None]]] = {}


def register_gauge(name: str, documentation: str, read: Callable[[], float | None]) -> None:
    """A gauge read at scrape time (queue depth, feed lag): `read` answers a number or None."""
    GAUGES[name] = (documentation, read)


class ScrapeTimeGauges:
    def collect(self):
        for name, (documentation, read) in GAUGES.items():
            try:
                value = read()
            except Exception:  # a dependency down: the gauge is absent, /healthz says why
                value = None
            if value is not None:
                family = GaugeMetricFamily(name, documentation)
                family.add_metric([], float(value))
                yield family


def _replica_lag():
    from core.replica import REPLICA, replica_lag_seconds

    return replica_lag_seconds() if REPLICA in settings.DATABASES else None


register_gauge("registry_replica_lag_seconds", "Seconds the read replica is behind", _replica_lag)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.view_name or match.route or "unknown"


class MetricsMiddleware:
    """Times every request and the database work inside it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        db_time = [0.0]

        def timed(execute, sql, params, many, context):
            query_started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                db_time[0] += time.perf_counter() - query_started

        with connections["default"].execute_wrapper(timed):
            response = self.get_response(request)
        route = route_of(request)
        status = f"{response.status_code // 100}xx"
        REQUEST_SECONDS.labels(request.method, route, status).observe(time.perf_counter() - started)
        DB_SECONDS.labels(route).observe(db_time[0])
        return response


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("metrics: not from an allowed address and no valid token\n")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(ScrapeTimeGauges())
        output = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        output = generate_latest(REGISTRY) + generate_latest(_gauges_registry())
    return HttpResponse(output, content_type=CONTENT_TYPE_LATEST)


_gauge_registry: CollectorRegistry | None = None


def _gauges_registry() -> CollectorRegistry:
    global _gauge_registry
    if _gauge_registry is None:
        _gauge_registry = CollectorRegistry()
        _gauge_registry.register(ScrapeTimeGauges())
    return _gauge_registry
