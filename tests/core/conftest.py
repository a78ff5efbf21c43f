"""Builders of the access and history tests."""

import pytest
from django.test import Client

from core.choices import Role
from tests.conftest import make_user


@pytest.fixture
def clerk_browser(clerk):
    """A clerk signed in to the admin."""
    client = Client()
    client.force_login(clerk)
    client.user = clerk
    return client


@pytest.fixture
def auditor_browser(auditor):
    """An auditor signed in to the admin."""
    client = Client()
    client.force_login(auditor)
    client.user = auditor
    return client


@pytest.fixture
def superuser_browser(django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="pw-Registry-2026")
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def make_client_account(name: str, role: str = Role.DISTRICT, district: str | None = "330212"):
    """An API client account as create_api_client makes it (non-staff, access profile)."""
    return make_user(role, district=district if role == Role.DISTRICT else None, username=name, staff=False)
