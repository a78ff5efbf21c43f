"""`manage.py run_worker [--processes N]`: the job queue's workers and the periodic scheduler.

Starts N worker processes (django-tasks-db's `db_worker`, each claiming jobs with `SELECT … FOR
UPDATE SKIP LOCKED`, so any number of them on any number of machines share the queue), restarts one
that dies, and, unless `--no-scheduler`, ticks the scheduler (jobs.schedule) every `--tick` seconds.
Several machines may each run one: a periodic slot is still enqueued once. SIGTERM or SIGINT stops the
workers (each finishes its current job) and then itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from jobs.schedule import enqueue_due

STOP_GRACE_SECONDS = 30


class Command(BaseCommand):
    help = "Run the job queue's worker processes and the periodic scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--processes", type=int, default=int(os.environ.get("WORKER_PROCESSES", "2")))
        parser.add_argument("--interval", type=float, default=1.0, help="seconds a worker waits on an empty queue")
        parser.add_argument("--tick", type=float, default=1.0, help="seconds between scheduler ticks")
        parser.add_argument("--no-scheduler", action="store_true", help="run the workers only")

    def handle(self, *, processes: int, interval: float, tick: float, no_scheduler: bool, **options):
        self.stopping = False
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        host = socket.gethostname()[:40]
        workers: dict[int, subprocess.Popen] = {}
        self.stdout.write(f"run_worker: {processes} worker process(es){'' if no_scheduler else ' and the scheduler'}")
        try:
            while not self.stopping:
                for index in range(max(processes, 0)):
                    process = workers.get(index)
                    if process is None or process.poll() is not None:
                        workers[index] = self.start_worker(f"{host}-{os.getpid()}-{index}", interval)
                if not no_scheduler:
                    close_old_connections()
                    for name in enqueue_due():
                        self.stdout.write(f"run_worker: enqueued {name}")
                time.sleep(tick)
        finally:
            for process in workers.values():
                if process.poll() is None:
                    process.terminate()
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for process in workers.values():
                try:
                    process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    process.kill()

    def start_worker(self, worker_id: str, interval: float) -> subprocess.Popen:
        command = [
            sys.executable,
            "-m",
            "django",
            "db_worker",
            "--queue-name",
            "*",
            "--no-reload",
            "--interval",
            str(interval),
            "--worker-id",
            worker_id[:64],
            "--verbosity",
            "0",
        ]
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"),
        }
        # Its own process group: a Ctrl+C reaches this command, which stops the workers in order.
        return subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, start_new_session=True)

    def stop(self, signum, frame):
        self.stopping = True
