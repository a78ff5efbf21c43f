"""The three roles of DESIGN §5 as groups. Clerks get every model permission of the registry's
apps, auditors the view permissions only; district systems get none in the admin (API only).
Clerks also see failed logins and locks (django-axes) and lift a lock (core.admin.LoginLockAdmin)."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from core.choices import Role

LOGIN_LOCK_PERMISSIONS = ["view_accessattempt", "change_accessattempt"]  # change: lift a lock


def registry_app_labels() -> list[str]:
    """The registry's own apps: those whose app config says `registry_app = True`."""
    return [config.label for config in apps.get_app_configs() if getattr(config, "registry_app", False)]


def ensure_role_groups() -> dict[str, Group]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    permissions = Permission.objects.filter(content_type__app_label__in=registry_app_labels())
    locks = Permission.objects.filter(content_type__app_label="axes", codename__in=LOGIN_LOCK_PERMISSIONS)
    groups[Role.CLERK].permissions.set([*permissions, *locks])
    groups[Role.AUDITOR].permissions.set(permissions.filter(codename__startswith="view_"))
    groups[Role.DISTRICT].permissions.clear()
    return groups
