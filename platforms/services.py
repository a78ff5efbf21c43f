"""Operations on platforms that are more than saving one row. The API and the admin call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.access import check_reinstate, check_write
from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord
from core.services import change_by, check_status_date, instance_save, require_reason
from platforms.models import Platform, touch_platforms
from registry.models import Division


@transaction.atomic
def platform_close(*, platform: Platform, on: datetime.date, reason: str, actor) -> Platform:
    """The platform stops operating on `on` (it is open until the day before); the reason goes into
    the change history. From that day its township counts as uncovered unless another platform
    serves it."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    reason = require_reason(reason)
    if platform.closed_on is not None:
        raise ValidationError(
            {"closed_on": [_("The platform is already closed (on %(date)s).") % {"date": platform.closed_on}]}
        )
    check_status_date(on=on, since=platform.opened_on, since_label=_("opening date"))
    platform.closed_on = on
    return instance_save(instance=platform, actor=actor, message=reason)


@transaction.atomic
def platform_reopen(*, platform: Platform, reason: str, actor) -> Platform:
    """Undo a closure recorded in error or overturned on review (clerks only, like every reinstate: the
    closure date is cleared, the history keeps it)."""
    check_reinstate(actor)
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    reason = require_reason(reason)
    if platform.closed_on is None:
        raise ValidationError({"closed_on": [_("The platform is open; there is nothing to reopen.")]})
    platform.closed_on = None
    return instance_save(instance=platform, actor=actor, message=reason)


def _distinct(townships) -> list[Division]:
    """The townships once each, in code order (a code sent twice is served once)."""
    return sorted({township.pk: township for township in townships}.values(), key=lambda township: township.pk)


def _replace_served_townships(platform: Platform, townships: list[Division]) -> None:
    """Store the served townships and, when they changed, write the change to the history as the code
    lists before and after (a many-to-many change is not seen by the save's history). Validated and
    checked by the caller."""
    through = Platform.served_townships.through
    before = sorted(through.objects.filter(platform_id=platform.pk).values_list("division_id", flat=True))
    after = [township.pk for township in townships]
    platform.stage_served_townships(None)
    if before == after:
        return
    platform.served_townships.set(townships)
    ChangeRecord.record(instance=platform, action=ChangeAction.UPDATE, changes={"served_townships": [before, after]})
    touch_platforms({platform.pk})


@transaction.atomic
def platform_save(
    *, platform: Platform, served_townships: list[Division] | None = None, actor=None, message: str = ""
) -> Platform:
    """Validate and save a platform (as `core.services.instance_save`) and, when `served_townships` is
    given, replace the townships it serves, validated against the division and level being saved;
    `None` leaves them as they are (the stored ones are still checked against a new division or level)."""
    if served_townships is not None:
        served_townships = _distinct(served_townships)
    # Staged afresh on every call (None: validate the stored ones), so a list refused before is forgotten.
    platform.stage_served_townships(served_townships)
    instance_save(instance=platform, actor=actor, message=message)
    if served_townships is not None:
        with change_by(actor=actor, message=message):
            _replace_served_townships(platform, served_townships)
    return platform


@transaction.atomic
def platform_set_served_townships(
    *, platform: Platform, townships: list[Division], actor, reason: str = ""
) -> Platform:
    """Replace the other townships a township-level platform serves (片区/联合平台). Refused, naming
    `served_townships`, unless the platform is township-level and every township is a current township
    of its district other than its own; a district system may do this for its own platforms only."""
    platform = Platform.objects.select_for_update().get(pk=platform.pk)
    townships = _distinct(townships)
    with change_by(actor=actor, message=reason):
        check_write(current_context().resolved_actor(), before=platform, after=platform)
        platform.stage_served_townships(townships)
        platform.full_clean()
        _replace_served_townships(platform, townships)
    return platform
