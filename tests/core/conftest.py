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


def admin_form_data(page, **changes) -> dict:
    """The POST body of an admin change or add page as it was rendered: the form's values, the hidden
    version, and every inline formset's management form (its existing rows unchanged, no extra rows),
    so a test changes only what it names, whatever inlines other apps add to the page."""

    def value(bound):
        current = bound.value()
        return "" if current is None else current

    form = page.context["adminform"].form
    data = {name: value(form[name]) for name in form.fields}
    for inline in page.context.get("inline_admin_formsets", []):
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = value(management[name])
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        for row in formset.forms[: formset.initial_form_count()]:
            for name in row.fields:
                data[row.add_prefix(name)] = value(row[name])
    data = {name: item for name, item in data.items() if item is not False}  # an unticked box is absent
    data.update(changes)
    return data
