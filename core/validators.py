"""Rules every app applies to its own records, stated once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext


def not_in_future(message: str | None = None, **values: datetime.date | int | None) -> None:
    """A date the registry records has happened: it is today at the latest (the bureau's day, in
    settings.TIME_ZONE), and a year is this year at the latest. Raises, under each field's name, the
    error of every named value (`filed_on=...`) that lies in the future; empty values pass."""
    today = timezone.localdate()
    late = [
        name
        for name, value in values.items()
        if value is not None and value > (today.year if isinstance(value, int) else today)
    ]
    if late:
        raise ValidationError({name: [message or gettext("The date may not lie in the future.")] for name in late})
