from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Ratings")
