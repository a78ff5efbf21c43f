from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Access and history")

    def ready(self) -> None:
        # Connects the history receivers, registers the system checks and the OpenAPI auth scheme.
        from core import checks, schema, signals  # noqa: F401
