from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public face of the register (DESIGN §11): pages, the verification API and open data."""

    name = "public"
    verbose_name = _("public register")
    default_auto_field = "django.db.models.BigAutoField"
