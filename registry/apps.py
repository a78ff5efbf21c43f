from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Registry")

    def ready(self):
        from registry import events  # noqa: F401  (connects the registration events to the change history)
