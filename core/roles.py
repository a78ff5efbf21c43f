"""The roles of DESIGN §5 as groups, named in Chinese as the clerks see them in the admin. Clerks get
every model permission of the registry's apps, auditors the view permissions only; district systems get
none in the admin (API only); township filing desks (DESIGN §9) view, add and change filings. Clerks also
see failed logins and locks (django-axes) and lift a lock (core.admin.accounts.LoginLockAdmin)."""

from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

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


def roles_read_with(token_model) -> RawSQL:
    """An annotation of a token query: the roles its user's groups give (`roles_of_groups`), as bits
    (`roles_of_bits`), so that a request's authentication is one query (core.auth). Written as SQL: the
    ORM's equivalent (an Exists per role) took 1 ms of compiling a request, twice the query it saves."""
    quote = connection.ops.quote_name
    user_groups = get_user_model().groups.through._meta
    group_id = user_groups.get_field("group").column
    user_id = user_groups.get_field("user").column
    token_user = f"{quote(token_model._meta.db_table)}.{quote(token_model._meta.get_field('user').column)}"
    whens, params = [], []
    for bit, role in enumerate(GROUP_NAMES):
        whens.append(f"WHEN g.{quote('name')} IN (%s, %s) THEN {1 << bit}")
        params += group_names_of(role)
    sql = (
        f"SELECT COALESCE(SUM(DISTINCT CASE {' '.join(whens)} ELSE 0 END), 0) "
        f"FROM {quote(Group._meta.db_table)} g INNER JOIN {quote(user_groups.db_table)} ug "
        f"ON g.{quote('id')} = ug.{quote(group_id)} "
        f"WHERE ug.{quote(user_id)} = {token_user}"
    )
    return RawSQL(sql, params, output_field=IntegerField())


def roles_of_bits(bits: int) -> set[str]:
    """The roles of `roles_read_with`'s bits."""
    return {role for bit, role in enumerate(GROUP_NAMES) if bits & (1 << bit)}


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
