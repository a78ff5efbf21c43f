from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Government-purchased services")

    def ready(self):
        from procurement import signals  # noqa: F401
