"""The role groups carry Chinese names, as clerks see them when they make an account in the admin."""

import pytest
from django.contrib.auth.models import Group

from core.access import principal_of
from core.choices import Role
from core.roles import GROUP_NAMES, ensure_role_groups
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_role_groups_are_named_in_chinese():
    groups = ensure_role_groups()
    assert {role: group.name for role, group in groups.items()} == {
        Role.CLERK: "市局登记管理人员",
        Role.AUDITOR: "监督查询人员",
        Role.DISTRICT: "区县系统",
        Role.TOWNSHIP: "镇街备案窗口",
    }
    assert not Group.objects.filter(name__in=Role.values).exists()


def test_a_group_of_an_older_database_is_renamed_and_keeps_its_members():
    user = make_user(None)
    Group.objects.filter(name__in=GROUP_NAMES.values()).delete()
    user.groups.add(Group.objects.create(name=Role.AUDITOR))
    assert principal_of(user).role == Role.AUDITOR  # still an auditor before the rename
    ensure_role_groups()
    assert list(user.groups.values_list("name", flat=True)) == ["监督查询人员"]
    user = type(user).objects.get(pk=user.pk)
    assert principal_of(user).role == Role.AUDITOR


def test_a_user_in_the_chinese_clerk_group_is_a_clerk():
    user = make_user(None)
    user.groups.add(Group.objects.get(name="市局登记管理人员"))
    assert principal_of(user).role == Role.CLERK and principal_of(user).can_write
