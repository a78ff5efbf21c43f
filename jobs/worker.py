"""Running the queue in this process: what a `db_worker` process does, until nothing is ready."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction


def run_ready_jobs(*, worker_id: str = "in-process") -> int:
    """Run every job that is ready now, one after another, here (tests, `manage.py shell`); the number run.
    Unlike `db_worker` it leaves the database connection open, so it also runs inside a transaction."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    run = 0
    while True:
        with exclusive_transaction(DBTaskResult.objects.db):
            result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if result is None:
                return run
            result.claim(worker_id)
        worker.run_task(result)
        run += 1
