"""Periodic jobs (REGISTRY_PERIODIC_JOBS): each slot of each job enqueued exactly once, however many
schedulers run on however many machines.

A job is `(name, what, when)`: `what` is a management command by name (run by `jobs.queue.run_command`)
or the dotted path of a task; `when` is `"daily HH:MM"` (Beijing time, the bureau's clock) or
`"every N s"`. A slot is the time the job is due: the last HH:MM passed, or the current multiple of N
seconds since the epoch. Every scheduler tick tries to insert the row (job, slot); the database's
unique constraint lets exactly one insert win, and only the winner enqueues, in the same transaction.
A daily slot missed while no scheduler ran is still run REGISTRY_PERIODIC_GRACE_SECONDS after it.

Adding a job is one line of settings: `("publish_open_data", "publish_open_data", "daily 02:00")`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
import zoneinfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import get_commands
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
DAILY = re.compile(r"^daily (?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)$")
EVERY = re.compile(r"^every (?P<seconds>[1-9]\d*) ?s$")


@dataclasses.dataclass(frozen=True)
class PeriodicJob:
    name: str
    what: str
    when: str

    @property
    def every(self) -> int | None:
        match = EVERY.match(self.when)
        return int(match["seconds"]) if match else None

    @property
    def daily_at(self) -> datetime.time | None:
        match = DAILY.match(self.when)
        return datetime.time(int(match["hour"]), int(match["minute"])) if match else None

    def slot(self, now: datetime.datetime) -> datetime.datetime | None:
        """The slot due at `now`, or None (a daily slot more than the grace period ago)."""
        if self.every is not None:
            epoch = int(now.timestamp())
            return datetime.datetime.fromtimestamp(epoch - epoch % self.every, tz=datetime.UTC)
        local = now.astimezone(BEIJING)
        slot = datetime.datetime.combine(local.date(), self.daily_at, tzinfo=BEIJING)
        if slot > local:
            slot -= datetime.timedelta(days=1)
        if (local - slot).total_seconds() > settings.REGISTRY_PERIODIC_GRACE_SECONDS:
            return None
        return slot.astimezone(datetime.UTC)

    def task(self):
        """The task to enqueue and its arguments."""
        from jobs.queue import run_command

        if "." in self.what:
            return import_string(self.what), ()
        return run_command, (self.what,)


def periodic_jobs() -> list[PeriodicJob]:
    jobs = []
    for entry in settings.REGISTRY_PERIODIC_JOBS:
        try:
            name, what, when = entry
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"REGISTRY_PERIODIC_JOBS: {entry!r} is not (name, what, when)") from None
        if not (DAILY.match(when) or EVERY.match(when)):
            raise ImproperlyConfigured(f'REGISTRY_PERIODIC_JOBS: {name}: "{when}" is not "daily HH:MM" or "every N s"')
        jobs.append(PeriodicJob(name=name, what=what, when=when))
    return jobs


def check_periodic_jobs() -> list[str]:
    """What is wrong with REGISTRY_PERIODIC_JOBS (a system check reports it): bad entries, unknown commands."""
    try:
        jobs = periodic_jobs()
    except ImproperlyConfigured as error:
        return [str(error)]
    problems = []
    commands = get_commands()
    for job in jobs:
        if "." not in job.what and job.what not in commands:
            problems.append(f"REGISTRY_PERIODIC_JOBS: {job.name}: no management command {job.what!r}")
    names = [job.name for job in jobs]
    problems += [
        f"REGISTRY_PERIODIC_JOBS: {name} is named twice" for name in sorted({n for n in names if names.count(n) > 1})
    ]
    return problems


def enqueue_due(now: datetime.datetime | None = None) -> list[str]:
    """One scheduler tick: enqueue every job whose current slot no scheduler has taken yet. Returns the
    names of the jobs this tick enqueued."""
    from jobs.models import PeriodicRun

    now = now or timezone.now()
    enqueued = []
    for job in periodic_jobs():
        slot = job.slot(now)
        if slot is None:
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=job.name, slot=slot)
                task, args = job.task()
                run.task_id = str(task.enqueue(*args).id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler took this slot
        enqueued.append(job.name)
    return enqueued
