from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Rules that run over many records (DESIGN §7): report deadlines, the working-day calendar, the
    statutory clocks of the credit lists and the proposals a clerk confirms."""

    name = "supervision"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from registry import selectors
        from supervision.selectors import removal_due_expression

        selectors.register_removal_due(removal_due_expression)
