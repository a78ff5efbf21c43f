"""Settings of the worker processes started by tests/jobs/test_workers.py: the project's, with a periodic
job every second and retries without a pause."""

from config.settings import *  # noqa: F403

REGISTRY_PERIODIC_JOBS = [("tick", "tests.jobs.worker_tasks.tick", "every 1 s")]
REGISTRY_JOB_RETRY_SECONDS = 0
