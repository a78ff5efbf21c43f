"""Writes every app shares: validate and save one record with its history and jurisdiction checks."""

from __future__ import annotations

from django.db import transaction

from core.context import change_context


@transaction.atomic
def instance_save(*, instance, actor=None, message: str = "", exclude: list[str] | None = None):
    """Validate a record in full (fields, `clean()`, constraints) and save it.

    The history record and the jurisdiction check happen in `HistoryModel.save`, inside this
    transaction; `actor` overrides the user of the current request, if given.
    """
    overrides = {"message": message}
    if actor is not None:
        overrides["actor"] = actor
    with change_context(**overrides):
        instance.full_clean(exclude=exclude)
        instance.save()
    return instance


def mask_personal(value: str) -> str:
    """138****5678: the first three and the last four characters kept, the middle masked."""
    if not value:
        return value
    text = str(value)
    if len(text) <= 7:
        return "*" * len(text)
    return f"{text[:3]}{'*' * 4}{text[-4:]}"
