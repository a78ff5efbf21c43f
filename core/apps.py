import axes.apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    registry_app = True  # its permissions go to the roles (core.roles)
    verbose_name = _("Access and history")

    def ready(self) -> None:
        # Connects the history receivers, registers the system checks and the OpenAPI auth scheme.
        from core import checks, login, schema, signals  # noqa: F401


class LoginLocksConfig(axes.apps.AppConfig):
    """django-axes (failed logins and locks, docs/decisions/0131-login-lockout.md) under a Chinese name in
    the admin; its own admin pages are replaced by core.admin.accounts.LoginLockAdmin."""

    default = False  # named in INSTALLED_APPS; "core" stays CoreConfig
    verbose_name = _("Login locks")


class RegistryAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the registry's site (core.admin_site: sections in the order of a clerk's day)."""

    default = False  # named in INSTALLED_APPS; "core" stays CoreConfig
    default_site = "core.admin_site.RegistryAdminSite"
