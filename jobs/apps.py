from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Work done beside the requests: the job queue's workers and schedule, long exports."""

    name = "jobs"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from core.health import register_check
        from core.metrics import register_gauge
        from jobs import checks  # noqa: F401
        from jobs.health import queue_check, queue_depth

        register_check("queue", queue_check)
        register_gauge("registry_queue_depth", "Jobs ready to run and not yet taken by a worker", queue_depth)
