"""The roles of DESIGN §5 as groups, named in Chinese as the clerks see them in the admin. Clerks get
every model permission of the registry's apps, auditors the view permissions only; district systems get
none in the admin (API only); township filing desks (DESIGN §9) view, add and change filings. Clerks also
see failed logins and locks (django-axes) and lift a lock (core.admin.LoginLockAdmin)."""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists

from core.choices import Role

LOGIN_LOCK_PERMISSIONS = ["view_accessattempt", "change_accessattempt"]  # change: lift a lock
GROUP_NAMES = {
    Role.CLERK: "市局登记管理人员",
    Role.AUDITOR: "监督查询人员",
    Role.DISTRICT: "区县系统",
    Role.TOWNSHIP: "镇街备案窗口",
}
# Databases made before the groups had Chinese names call them by the role's value until the next
# ensure_role_groups() renames them; until then those names still count.
_ROLE_OF_GROUP = {**{name: role for role, name in GROUP_NAMES.items()}, **{role: role for role in Role.values}}


def roles_of_groups(names: Iterable[str]) -> set[str]:
    """The roles a user's group names give."""
    return {_ROLE_OF_GROUP[name] for name in names if name in _ROLE_OF_GROUP}


def group_names_of(role: str) -> list[str]:
    return [GROUP_NAMES[role], role]


def role_flags(user_ref) -> dict:
    """Annotations, one boolean per role, saying whether the user at `user_ref` (an OuterRef to a
    user's id) is in one of the role's groups: read in the query that finds a token, so that a
    request's authentication is one query (core.auth), with the roles that `roles_of_groups` gives."""
    return {
        role_flag(role): Exists(Group.objects.filter(user=user_ref, name__in=group_names_of(role)))
        for role in GROUP_NAMES
    }


def role_flag(role: str) -> str:
    return f"_in_role_{role}"


def registry_app_labels() -> list[str]:
    """The registry's own apps: those whose app config says `registry_app = True`."""
    return [config.label for config in apps.get_app_configs() if getattr(config, "registry_app", False)]


def ensure_role_groups() -> dict[str, Group]:
    groups = {}
    for role, name in GROUP_NAMES.items():
        if not Group.objects.filter(name=name).exists():
            Group.objects.filter(name=role).update(name=name)
        groups[role] = Group.objects.get_or_create(name=name)[0]
    permissions = Permission.objects.filter(content_type__app_label__in=registry_app_labels())
    locks = Permission.objects.filter(content_type__app_label="axes", codename__in=LOGIN_LOCK_PERMISSIONS)
    groups[Role.CLERK].permissions.set([*permissions, *locks])
    groups[Role.AUDITOR].permissions.set(permissions.filter(codename__startswith="view_"))
    groups[Role.DISTRICT].permissions.clear()
    # A township desk works in the admin on filings only (DESIGN §9); its jurisdiction is core.access's.
    filings = permissions.filter(content_type__app_label="registry", content_type__model="communityorganization")
    groups[Role.TOWNSHIP].permissions.set(filings.exclude(codename__startswith="delete_"))
    return groups
