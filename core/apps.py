from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Access and history")

    def ready(self) -> None:
        from core import checks, signals  # noqa: F401  (connects the history receivers, registers the checks)
