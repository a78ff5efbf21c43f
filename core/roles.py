"""The three roles of DESIGN §5 as groups. Clerks get every model permission of the registry's
apps, auditors the view permissions only; district systems get none in the admin (API only)."""

from django.contrib.auth.models import Group, Permission

from core.choices import Role

REGISTRY_APPS = ["core", "registry", "ratings", "platforms", "procurement", "reports"]


def ensure_role_groups() -> dict[str, Group]:
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    permissions = Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS)
    groups[Role.CLERK].permissions.set(permissions)
    groups[Role.AUDITOR].permissions.set(permissions.filter(codename__startswith="view_"))
    groups[Role.DISTRICT].permissions.clear()
    return groups
