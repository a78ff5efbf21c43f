"""The job queue's depth for `/healthz` and `/metrics` (docs/deploy.md "Health and metrics")."""

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def queue_depth() -> int:
    """Jobs ready to run now (their `run_after` reached) that no worker has taken yet."""
    return DBTaskResult.objects.ready().count()


def queue_check() -> dict:
    depth = queue_depth()
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    waiting = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {
        "ok": waiting <= settings.REGISTRY_QUEUE_MAX_WAIT_SECONDS,
        "depth": depth,
        "oldest_waiting_seconds": round(waiting, 1),
        "max_wait_seconds": settings.REGISTRY_QUEUE_MAX_WAIT_SECONDS,
    }
