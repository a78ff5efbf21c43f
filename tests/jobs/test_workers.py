"""Real worker processes on the real queue (DESIGN §10 "Worker"): `manage.py run_worker` started as
subprocesses against a database of their own (the PostgreSQL test database, or an SQLite file), jobs
enqueued, results seen: jobs persist in the database, run on several processes, a failing job is tried
again, and two schedulers (two machines) enqueue each periodic slot once."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.slow


def database_url(tmp_path) -> str:
    """The database the worker processes share with this test."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        host = f"{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}"
        return f"postgres://{params['USER']}{password}@{host}/{params['NAME']}"
    return f"sqlite:///{tmp_path / 'workers.sqlite3'}"


def environment(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
        "DEBUG": "1",
        "SECRET_KEY": "tests-only-secret-key-not-for-any-deployment",
    }


def django(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", textwrap.dedent(code)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def start_worker(env: dict, processes: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "run_worker",
            "--processes",
            str(processes),
            "--interval",
            "0.2",
            "--tick",
            "0.2",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def test_jobs_run_on_several_worker_processes_are_retried_and_periodic_slots_run_once(db, tmp_path):
    env = environment(database_url(tmp_path))
    if connection.vendor == "sqlite":
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=settings.BASE_DIR, env=env, check=True)
    flag = tmp_path / "fail-once.flag"
    django(
        env,
        f"""
        from tests.jobs.worker_tasks import fail_once, report_worker
        for index in range(6):
            report_worker.enqueue(f"job-{{index}}")
        fail_once.enqueue({str(flag)!r})
        """,
    )
    # Two run_worker commands: two machines, each with two worker processes and its own scheduler.
    workers = [start_worker(env, 2), start_worker(env, 2)]
    try:
        outcome = json.loads(
            django(
                env,
                """
                import json, time
                from django_tasks_db.models import DBTaskResult
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline:
                    ours = DBTaskResult.objects.exclude(task_path__endswith=".tick")
                    if ours.filter(status="SUCCESSFUL").count() >= 7:
                        break
                    time.sleep(0.5)
                time.sleep(2)  # a few more scheduler ticks
                rows = list(DBTaskResult.objects.values("task_path", "status", "return_value", "worker_ids"))
                from jobs.models import PeriodicRun
                slots = list(PeriodicRun.objects.values_list("name", "slot"))
                print(json.dumps({"rows": rows, "slots": [[n, s.isoformat()] for n, s in slots]}, default=str))
                """,
            )
            .strip()
            .splitlines()[-1]
        )
    finally:
        for process in workers:
            stop(process)
        if connection.vendor == "postgresql":
            django(
                env,
                """
                from django_tasks_db.models import DBTaskResult
                from jobs.models import PeriodicRun
                DBTaskResult.objects.all().delete()
                PeriodicRun.objects.all().delete()
                """,
            )

    rows = outcome["rows"]
    reports = [row for row in rows if row["task_path"].endswith(".report_worker")]
    assert len(reports) == 6 and all(row["status"] == "SUCCESSFUL" for row in reports)
    assert len({row["return_value"]["pid"] for row in reports}) >= 2, "the jobs ran on one process only"
    assert os.getpid() not in {row["return_value"]["pid"] for row in reports}

    tries = sorted(row["status"] for row in rows if row["task_path"].endswith(".fail_once"))
    assert tries == ["FAILED", "SUCCESSFUL"], "a failing job is tried again, each try recorded"

    slots = outcome["slots"]
    assert len(slots) >= 2, "the scheduler enqueued no periodic job"
    assert len(slots) == len({tuple(slot) for slot in slots})
    ticks = [row for row in rows if row["task_path"].endswith(".tick")]
    assert len(ticks) == len(slots), "a periodic slot was enqueued more than once"
