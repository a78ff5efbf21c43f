"""Operations on platforms that are more than saving one row. The API and the admin call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.context import change_context
from platforms.models import Platform


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("A reason is required.")]})
    return reason


@transaction.atomic
def platform_close(*, platform: Platform, on: datetime.date, reason: str, actor) -> Platform:
    """The platform stops operating on `on` (it is open until the day before); the reason goes into
    the change history. From that day its township counts as uncovered unless another platform
    serves it."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    reason = _require_reason(reason)
    if platform.closed_on is not None:
        raise ValidationError(
            {"closed_on": [_("The platform is already closed (on %(date)s).") % {"date": platform.closed_on}]}
        )
    if on > timezone.localdate():
        raise ValidationError({"date": [_("The date may not lie in the future.")]})
    if on < platform.opened_on:
        raise ValidationError(
            {"date": [_("The date may not precede the opening date (%(date)s).") % {"date": platform.opened_on}]}
        )
    platform.closed_on = on
    with change_context(actor=actor, message=reason):
        platform.full_clean()
        platform.save()
    return platform


@transaction.atomic
def platform_reopen(*, platform: Platform, reason: str, actor) -> Platform:
    """Undo a closure recorded in error, or record that a closed platform operates again."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    reason = _require_reason(reason)
    if platform.closed_on is None:
        raise ValidationError({"closed_on": [_("The platform is open; there is nothing to reopen.")]})
    platform.closed_on = None
    with change_context(actor=actor, message=reason):
        platform.full_clean()
        platform.save()
    return platform
