"""Periodic jobs (REGISTRY_PERIODIC_JOBS): a slot per day at HH:MM Beijing time or per N seconds, each
enqueued once however many schedulers tick; adding a job is one settings line naming a command."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import PeriodicRun
from jobs.schedule import PeriodicJob, check_periodic_jobs, enqueue_due, periodic_jobs
from jobs.worker import run_ready_jobs

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def beijing(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BEIJING)


def test_a_daily_slot_is_the_last_hh_mm_passed_in_beijing_time():
    job = PeriodicJob("supervise", "supervise", "daily 03:30")
    assert job.slot(beijing(2026, 12, 3, 3, 30)) == beijing(2026, 12, 3, 3, 30)
    assert job.slot(beijing(2026, 12, 3, 9, 0)) == beijing(2026, 12, 3, 3, 30)


def test_a_daily_slot_missed_by_more_than_the_grace_period_is_not_run(settings):
    settings.REGISTRY_PERIODIC_GRACE_SECONDS = 6 * 3600
    job = PeriodicJob("supervise", "supervise", "daily 03:30")
    assert job.slot(beijing(2026, 12, 3, 9, 31)) is None
    assert job.slot(beijing(2026, 12, 4, 1, 0)) is None  # yesterday's, 21.5 hours ago


def test_an_every_n_seconds_slot_is_the_current_multiple_of_n():
    job = PeriodicJob("deliver_webhooks", "deliver_webhooks", "every 30 s")
    assert job.slot(datetime.datetime(2026, 12, 3, 8, 0, 29, tzinfo=datetime.UTC)) == datetime.datetime(
        2026, 12, 3, 8, 0, 0, tzinfo=datetime.UTC
    )
    assert job.slot(datetime.datetime(2026, 12, 3, 8, 0, 30, tzinfo=datetime.UTC)).second == 30


@pytest.mark.parametrize("when", ["daily 3:30", "daily 24:00", "every 0 s", "hourly", "every 5 minutes"])
def test_a_malformed_schedule_is_refused(settings, when):
    settings.REGISTRY_PERIODIC_JOBS = [("x", "prune_exports", when)]
    with pytest.raises(ImproperlyConfigured):
        periodic_jobs()


def test_the_system_check_names_an_unknown_command(settings):
    settings.REGISTRY_PERIODIC_JOBS = [("x", "no_such_command", "every 30 s")]
    assert check_periodic_jobs() == ["REGISTRY_PERIODIC_JOBS: x: no management command 'no_such_command'"]


def test_the_registered_jobs_are_valid():
    assert check_periodic_jobs() == []
    assert {job.name for job in periodic_jobs()} >= {"prune_exports", "prune_idempotency_keys"}


@pytest.mark.django_db
def test_a_slot_is_enqueued_once_however_many_ticks_and_the_command_runs(settings):
    settings.REGISTRY_PERIODIC_JOBS = [("prune_exports", "prune_exports", "daily 03:30")]
    now = beijing(2026, 12, 3, 3, 31)
    assert enqueue_due(now) == ["prune_exports"]
    assert enqueue_due(now) == [] and enqueue_due(now + datetime.timedelta(hours=2)) == []
    assert PeriodicRun.objects.count() == 1 and DBTaskResult.objects.count() == 1
    assert run_ready_jobs() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert enqueue_due(now + datetime.timedelta(days=1)) == ["prune_exports"]


@pytest.mark.django_db
def test_a_failing_job_is_enqueued_again_later_with_its_attempt_counted(settings):
    settings.REGISTRY_PERIODIC_JOBS = [("broken", "no_such_command_at_run", "every 60 s")]
    enqueue_due()
    run_ready_jobs()
    tries = list(DBTaskResult.objects.order_by("enqueued_at").values("status", "args_kwargs", "run_after"))
    assert [one["status"] for one in tries] == ["FAILED", "READY"]
    assert tries[1]["args_kwargs"]["kwargs"] == {"_attempt": 2}
    assert tries[1]["run_after"] >= timezone.now() + datetime.timedelta(seconds=settings.REGISTRY_JOB_RETRY_SECONDS - 5)


@pytest.mark.django_db
def test_a_job_whose_worker_was_lost_is_failed_and_tried_again(settings):
    from django_tasks_db.models import DBTaskResult

    from jobs.queue import reclaim_stale_jobs, run_command

    result = run_command.enqueue("prune_exports")
    started = timezone.now() - datetime.timedelta(seconds=settings.REGISTRY_JOB_TIMEOUT_SECONDS + 60)
    DBTaskResult.objects.filter(pk=result.id).update(status="RUNNING", started_at=started)
    assert reclaim_stale_jobs() == 1 and reclaim_stale_jobs() == 0
    lost = DBTaskResult.objects.get(pk=result.id)
    assert lost.status == "FAILED" and lost.exception_class_path.endswith("WorkerLost")
    again = DBTaskResult.objects.exclude(pk=result.id).get()
    assert again.status == "READY" and again.args_kwargs == {"args": ["prune_exports"], "kwargs": {"_attempt": 2}}
    assert run_ready_jobs() == 1 and DBTaskResult.objects.get(pk=again.pk).status == "SUCCESSFUL"


def test_the_daily_cycle_runs_on_the_queue_supervision_open_data_and_webhook_deliveries():
    """The jobs the other apps need are scheduled (jobs.checks refuses a command that does not exist)."""
    from django.conf import settings

    from jobs.schedule import check_periodic_jobs

    scheduled = {name: when for name, _what, when in settings.REGISTRY_PERIODIC_JOBS}
    assert scheduled["supervise"].startswith("daily") and scheduled["publish_open_data"].startswith("daily")
    assert scheduled["deliver_webhooks"] == "every 30 s"
    assert check_periodic_jobs() == []
