"""Rules every app applies to its own records, stated once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
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


# No record of this registry predates the founding of the People's Republic.
EARLIEST_FACT_DATE = datetime.date(1949, 10, 1)
# Free text without a column limit (TextField): at most this many characters, unless a model's
# `text_limits` says otherwise (docs/decisions/0120-input-limits.md).
TEXT_MAX_LENGTH = 2000


def years_from_today(years: int) -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + years)
    except ValueError:  # 29 February
        return today.replace(year=today.year + years, day=28)


def date_out_of_range(day: datetime.date, *, years_ahead: int = 1) -> str | None:
    """Why `day` is no date a record may hold, or None: from 1949-10-01 to a year from today
    (`years_ahead` for a planned date, such as the end of an incubation). Without a range, 9999-12-31
    was stored and overflowed later, when a rating's validity or a period was computed from it."""
    latest = years_from_today(years_ahead)
    if EARLIEST_FACT_DATE <= day <= latest:
        return None
    return gettext("Enter a date from {earliest} to {latest}.").format(
        earliest=EARLIEST_FACT_DATE.isoformat(), latest=latest.isoformat()
    )


def bounded_field_errors(instance, exclude=()) -> dict[str, list[str]]:
    """The errors of a record's editable dates outside their range (`date_out_of_range`; the model's
    `planned_date_fields` maps a date to its years ahead) and of its free texts (TextField) beyond
    their limit (TEXT_MAX_LENGTH, or the model's `text_limits`): the same bounds as the API's, so the
    admin's forms and imports hold them too (core.models.HistoryModel.clean_fields)."""
    planned = getattr(instance, "planned_date_fields", {})
    limits = getattr(instance, "text_limits", {})
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not field.editable or field.name in exclude or field.choices:
            continue
        value = getattr(instance, field.attname)
        if value is None or value == "":
            continue
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            if isinstance(value, datetime.date):
                problem = date_out_of_range(value, years_ahead=planned.get(field.name, 1))
                if problem:
                    errors[field.name] = [problem]
        elif isinstance(field, models.TextField) and isinstance(value, str):
            limit = limits.get(field.name, field.max_length or TEXT_MAX_LENGTH)
            if len(value) > limit:
                errors[field.name] = [
                    gettext("Ensure this value has at most %(limit)d characters (it has %(length)d).")
                    % {"limit": limit, "length": len(value)}
                ]
    return errors
