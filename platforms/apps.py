from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Platforms")

    def ready(self):
        from platforms import signals  # noqa: F401
