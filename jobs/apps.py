from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Work done beside the requests: the job queue's workers and schedule, long exports."""

    name = "jobs"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from jobs import checks  # noqa: F401
