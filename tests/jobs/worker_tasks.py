"""Jobs for the tests that run real workers (tests/jobs/test_workers.py): importable by a worker process."""

import os
from pathlib import Path

from jobs.queue import registry_task


@registry_task()
def report_worker(marker: str) -> dict:
    """Which process ran the job."""
    import time

    time.sleep(0.3)  # long enough that two workers share a batch
    return {"pid": os.getpid(), "marker": marker}


@registry_task(max_attempts=3)
def fail_once(flag: str) -> str:
    """Fails on its first try (leaving a flag file), succeeds on the next."""
    path = Path(flag)
    if not path.exists():
        path.write_text("tried")
        raise RuntimeError("first try fails")
    return "second try"


@registry_task()
def tick() -> str:
    return "tick"
