"""The job queue's one way to declare a job (docs/decisions/0280-job-queue.md).

Jobs are Django tasks (django-tasks, the backport of Django 6's `django.tasks`) on the database
backend (django-tasks-db): enqueuing one writes a row in the same transaction as the data that asked
for it, and workers (`manage.py run_worker`) on any machine claim rows with `SELECT … FOR UPDATE SKIP
LOCKED`. The backend does not retry, so `registry_task` does: a job that raises is enqueued again
after a growing pause, the attempt counted in its keyword `_attempt`, up to REGISTRY_JOB_MAX_ATTEMPTS
tries; each try keeps its own result row (its error, its worker).

    @registry_task()
    def export_run(export_id: int) -> int: ...

    export_run.enqueue(job.pk)   # in the request's transaction: no job without its data, nor the reverse
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)
ATTEMPT = "_attempt"


def retry_delay(attempt: int) -> datetime.timedelta:
    """The pause before try `attempt + 1`: REGISTRY_JOB_RETRY_SECONDS doubled at each try, capped."""
    seconds = settings.REGISTRY_JOB_RETRY_SECONDS * 2 ** (attempt - 1)
    return datetime.timedelta(seconds=min(seconds, settings.REGISTRY_JOB_RETRY_MAX_SECONDS))


def registry_task(*, max_attempts: int | None = None, priority: int = 0, queue_name: str = "default"):
    """A django-tasks task that is tried again when it raises (see the module's docstring)."""

    def declare(func: Callable):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                return func(*args, **kwargs)
            except Exception:
                limit = max_attempts or settings.REGISTRY_JOB_MAX_ATTEMPTS
                if attempt < limit:
                    later = declared.using(run_after=timezone.now() + retry_delay(attempt))
                    later.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
                    logger.warning("%s failed (try %d of %d); tried again later", func.__qualname__, attempt, limit)
                raise

        run.max_attempts = max_attempts
        declared = task(priority=priority, queue_name=queue_name)(run)
        return declared

    return declare


@registry_task()
def run_command(name: str, *args: str) -> str:
    """A management command by name (the periodic jobs name theirs: `publish_open_data`, `supervise`...)."""
    call_command(name, *args)
    return name


class WorkerLost(Exception):
    """The worker running a job stopped (killed, machine lost) before the job finished."""


def reclaim_stale_jobs(*, now: datetime.datetime | None = None) -> int:
    """Jobs `RUNNING` for longer than REGISTRY_JOB_TIMEOUT_SECONDS lost their worker (the backend never
    reclaims them): each is marked failed and, within its tries, enqueued again. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.REGISTRY_JOB_TIMEOUT_SECONDS)
    reclaimed = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=cutoff):
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: running since {result.started_at.isoformat()}, longer than the timeout",
            )
            if not taken:
                continue  # another scheduler reclaimed it
            reclaimed += 1
            try:
                declared = result.task
            except Exception:  # noqa: BLE001 - a task that no longer exists is only marked failed
                continue
            args, kwargs = result.args_kwargs["args"], dict(result.args_kwargs["kwargs"])
            attempt = int(kwargs.pop(ATTEMPT, 1))
            limit = getattr(declared.func, "max_attempts", None) or settings.REGISTRY_JOB_MAX_ATTEMPTS
            if attempt < limit:
                declared.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
    return reclaimed
