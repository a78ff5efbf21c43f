"""The test database as the session had it before the browser tests, kept and put back after each.

Live-server tests are transactional: each ends by emptying every table. What the session had loaded
before (the reference fixtures, the role groups, the rows of data migrations such as the yearly
caps of purchased services) would be gone for the tests that follow. Content types and permissions
are left out: the emptying recreates them itself, and other rows refer to them by natural key.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

from core.roles import ensure_role_groups
from registry.models import Division

RECREATED_BY_THE_FLUSH = {ContentType, Permission}

_baseline: str | None = None


def take_baseline() -> None:
    """Keep the database as it is now (once); if an earlier transactional test left it empty, load the
    reference data first, as the session would have."""
    global _baseline
    if _baseline is not None:
        return
    if not Division.objects.exists():
        call_command("loaddata", *settings.REGISTRY_FIXTURES, verbosity=0)
        ensure_role_groups()
    _baseline = serializers.serialize("json", _every_row(), use_natural_foreign_keys=True)


def restore_baseline() -> None:
    """Put the kept rows back into the emptied database, as loaddata does (raw saves, one transaction)."""
    if _baseline is None:
        return
    with transaction.atomic(), connection.constraint_checks_disabled():
        waiting = []
        for row in serializers.deserialize("json", _baseline, handle_forward_references=True):
            row.save()
            if row.deferred_fields:
                waiting.append(row)
        for row in waiting:
            row.save_deferred_fields()
    connection.check_constraints()


def _every_row():
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy and model not in RECREATED_BY_THE_FLUSH:
            yield from model._base_manager.order_by("pk").iterator()
