"""Builders shared by the suite: reference data, users of each role, API clients, organizations."""

import datetime
import itertools

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from core.choices import Role
from core.models import AccessProfile, ApiToken
from core.roles import ensure_role_groups
from registry.choices import CREDIT_CODE_CATEGORY, OrgType
from registry.models import Organization
from registry.validators import uscc_with_checks

_serial = itertools.count(1)
# The database the settings name, before pytest-django sets up the test database in its place.
CONFIGURED_DATABASE = settings.DATABASES["default"]["NAME"]


def test_database_is_set_up() -> bool:
    """pytest-django sets up the test database only when a collected test asks for it (a `django_db`
    mark or the `db` fixture); until then the connection names the configured, real database."""
    from django.db import connection

    return connection.settings_dict["NAME"] != CONFIGURED_DATABASE


test_database_is_set_up.__test__ = False  # a helper, not a test

# Reads go to the read replica only in the tests of it (`replica` mark, tests/core/test_replica.py): a
# test's rows live in its open transaction on the primary, or are committed just now and may not have
# reached the replica yet.
settings.REPLICA_ROUTING = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the reference fixtures (divisions, townships, ...); nothing is
    ever loaded into the configured database itself."""
    if not test_database_is_set_up():
        return
    with django_db_blocker.unblock():
        call_command("loaddata", *settings.REGISTRY_FIXTURES, verbosity=0)
        ensure_role_groups()


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """The test database outside any test transaction, for tests that commit their rows (and remove
    them): concurrent connections, an interrupted COPY. Never the configured database: without a test
    database they are skipped."""
    if not test_database_is_set_up():
        pytest.skip("no test database: select a database test with this one (pytest-django sets one up only then)")
    with django_db_blocker.unblock():
        yield


def make_uscc(org_type: str = OrgType.SOCIAL_GROUP, division: str = "330212", serial: int | None = None) -> str:
    """A valid credit code of civil affairs for the type and division segment."""
    number = serial if serial is not None else next(_serial)
    body = f"5{CREDIT_CODE_CATEGORY[org_type]}{division}MJ{number:06d}"
    return uscc_with_checks(body)


def make_organization(**fields) -> Organization:
    """An active organization saved as the system would (no actor), with valid defaults."""
    org_type = fields.pop("org_type", OrgType.SOCIAL_GROUP)
    registered_by = fields.pop("registered_by_id", fields.pop("registered_by", "330212"))
    if hasattr(registered_by, "code"):
        registered_by = registered_by.code
    defaults = {
        "name": f"测试社会组织{next(_serial)}",
        "uscc": make_uscc(org_type, registered_by),
        "registered_on": datetime.date(2015, 1, 1),
        "phone": "13812345678",
        "legal_representative": "张三",
    }
    defaults.update(fields)
    organization = Organization(org_type=org_type, registered_by_id=registered_by, **defaults)
    organization.full_clean()
    organization.save()
    return organization


def make_user(
    role: str | None,
    *,
    district: str | None = None,
    township: str | None = None,
    username: str | None = None,
    staff: bool = True,
):
    groups = ensure_role_groups()
    user = get_user_model().objects.create_user(
        username=username or f"{role or 'nobody'}-{next(_serial)}", password="pw-Registry-2026", is_staff=staff
    )
    if role:
        user.groups.add(groups[role])
    if district or township:
        AccessProfile.objects.create(user=user, district_code=district or "", township_code=township or "")
    return user


def api_client_for(user, *, read_only: bool = False) -> APIClient:
    """An API client authenticated with a fresh token of the user's."""
    _, key = ApiToken.issue(user=user, read_only=read_only)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.token_key = key
    return client


@pytest.fixture
def clerk(db):
    return make_user(Role.CLERK)


@pytest.fixture
def auditor(db):
    return make_user(Role.AUDITOR)


@pytest.fixture
def clerk_api(clerk):
    return api_client_for(clerk)


@pytest.fixture
def auditor_api(auditor):
    return api_client_for(auditor)


@pytest.fixture
def yinzhou_api(db):
    """A district system of 鄞州区 (330212)."""
    return api_client_for(make_user(Role.DISTRICT, district="330212", staff=False))


@pytest.fixture
def haishu_api(db):
    """A district system of 海曙区 (330203)."""
    return api_client_for(make_user(Role.DISTRICT, district="330203", staff=False))


@pytest.fixture
def anonymous_api():
    return APIClient()


@pytest.fixture
def baseline_kept(transactional_db):
    """For a transactional test outside the browser tests (a migration run back and forth): the database
    as the session had it is kept first and put back after the test's emptying (`restores_baseline`)."""
    from tests.browser.baseline import take_baseline

    take_baseline()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    # After every fixture is finalised, so after the transactional test's flush.
    result = yield
    if item.get_closest_marker("restores_baseline") and nextitem is not None:
        from tests.browser.baseline import restore_baseline

        with item.config.stash[blocking_manager_key].unblock():
            restore_baseline()
    return result


@pytest.fixture(autouse=True)
def _exports_in_a_temporary_folder(settings, tmp_path_factory):
    """Long exports' files (the `exports` storage) go to a temporary folder, never the project's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("exports"))},
        },
    }
