from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Evaluation procedure")
