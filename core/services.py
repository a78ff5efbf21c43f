"""Writes every app shares: validate and save one record with its history and jurisdiction checks."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.context import change_context
from core.validators import not_in_future


def require_reason(reason: str) -> str:
    """The reason of a status change, trimmed; an empty one is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A reason is required.")]})
    return reason


def check_status_date(*, on: datetime.date, since: datetime.date | None, since_label: str) -> None:
    """The date of a status change: not in the future, not before the record's own start (`since`, when
    the record has one)."""
    not_in_future(date=on)
    if since is not None and on < since:
        raise ValidationError(
            {
                "date": [
                    _("The date may not precede the %(label)s (%(since)s).")
                    % {"label": since_label, "since": since.isoformat()}
                ]
            }
        )


def change_by(*, actor=None, message: str = ""):
    """The change context of a write: its reason (`message`, the history's message) and, when given, who
    makes it (else whoever the surrounding context names: the request's user, a command's)."""
    overrides = {"message": message}
    if actor is not None:
        overrides["actor"] = actor
    return change_context(**overrides)


@transaction.atomic
def instance_save(*, instance, actor=None, message: str = "", exclude: list[str] | None = None):
    """Validate a record in full (fields, `clean()`, constraints) and save it, with the reason of the
    change: the one way every service saves a record.

    The history record and the jurisdiction check happen in `HistoryModel.save`, inside this
    transaction; `actor` overrides the user of the current request, if given.
    """
    with change_by(actor=actor, message=message):
        instance.full_clean(exclude=exclude)
        instance.save()
    return instance


@transaction.atomic
def token_revoke(*, token, actor=None, message: str = ""):
    """Revoke an API token from now on (recorded in the change history like any change)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        instance_save(instance=token, actor=actor, message=message)
    return token


def mask_personal(value: str) -> str:
    """138****5678: the first three and the last four characters kept, the middle masked.

    A value too short to keep seven characters and still hide four (a landline without area code)
    keeps only its last two.
    """
    if not value:
        return value
    text = str(value)
    if len(text) >= 11:
        return f"{text[:3]}{'*' * 4}{text[-4:]}"
    if len(text) <= 4:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]
