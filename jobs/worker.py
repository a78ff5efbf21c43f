"""Running the queue in this process: what `db_worker` does, until the queue has nothing ready."""

from django_tasks_db.management.commands.db_worker import Worker


def run_ready_jobs(*, worker_id: str = "in-process") -> None:
    """Run every job that is ready now, one after another, here (tests, `manage.py shell`)."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()
