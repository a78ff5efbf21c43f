"""Strict filtering: the base filter set every model's filter set extends, and the backend that
refuses a query parameter it does not know (a typo never returns the whole table)."""

import datetime
import unicodedata

import django_filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from core.asof import as_of

BIGGEST_INTEGER = 2**63 - 1
# Parameters every list understands besides its filters.
COMMON_QUERY_PARAMETERS = frozenset({"page", "page_size", "format", "after"})


def normalise_text(value: str) -> str:
    """NFKC (full-width to half-width, compatibility forms), trimmed: how names are stored and searched."""
    return unicodedata.normalize("NFKC", value or "").strip()


class DateOrDateTimeField(forms.Field):
    """A date (the start of that day, local time; with `end_of_day`, its last microsecond) or an ISO 8601
    timestamp (a `+` of the offset that a query string turned into a space is put back)."""

    default_error_messages = {"invalid": _("Enter a date (YYYY-MM-DD) or an ISO 8601 timestamp.")}

    def __init__(self, *args, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip().replace(" ", "+")
        try:
            # A bare date first: Python's fromisoformat (inside parse_datetime) would read "2024-03-01"
            # as midnight, and an inclusive `until` date would then lose the whole day.
            day = parse_date(value) if len(value) == 10 else None
            if day is not None:
                # The day's last microsecond directly: "the next day minus one" overflows on 9999-12-31.
                moment = datetime.datetime.combine(day, datetime.time.max if self.end_of_day else datetime.time.min)
            else:
                moment = parse_datetime(value)
                if moment is None:
                    raise ValueError
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts (a 500, found by fuzzing).
            return moment.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class DateOrDateTimeFilter(django_filters.Filter):
    field_class = DateOrDateTimeField

    def __init__(self, *args, end_of_day: bool = False, **kwargs):
        self.end_of_day = end_of_day
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            field.end_of_day = self.end_of_day
            self._field = field
        return self._field


class PastDateField(forms.DateField):
    """A date (YYYY-MM-DD) that is not after today (Beijing time)."""

    default_error_messages = {
        "invalid": _("Enter a date as YYYY-MM-DD."),
        "future": _("%(value)s is in the future: the register is known up to today."),
    }
    input_formats = ["%Y-%m-%d"]

    def validate(self, value):
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future", params={"value": value})


@extend_schema_field({"type": "string", "description": "YYYY-MM-DD, a past day or today"})
class AsOfFilter(django_filters.Filter):
    """`as_of=YYYY-MM-DD`: the list as it stood at the end of that day, rebuilt from the change history
    (core/asof.py); every other filter, the search and the ordering read that past state."""

    field_class = PastDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("as of (the records as they stood at the end of that day, YYYY-MM-DD)"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return as_of(qs, value)


class StrictBooleanField(forms.Field):
    """`true`/`false` (also 1/0, yes/no); anything else is an error, never a silently ignored filter."""

    TRUE = frozenset({"true", "1", "yes", "on"})
    FALSE = frozenset({"false", "0", "no", "off"})
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def _nullable(model, name: str) -> bool:
    try:
        return model._meta.get_field(name).null
    except FieldDoesNotExist:
        return False


class RegistryOrderingFilter(django_filters.OrderingFilter):
    """`ordering=` of every list: the fields asked for, then the record's id in the direction of the
    last one, so that rows that tie (the same date, the same name) keep one order from page to page and
    a client paging through the list meets each row exactly once.

    Rows without a value (an empty date, no current grade) come last in either direction, on SQLite as
    on PostgreSQL (whose default puts them first when descending). `annotate` maps a parameter to a
    function that adds the annotation it orders by (an organization's current grade)."""

    def __init__(self, *args, annotate: dict | None = None, **kwargs):
        self.annotate = dict(annotate or {})
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        params = [param for param in value or () if param not in EMPTY_VALUES]
        if not params:
            return qs
        ordering = []
        for param in params:
            descending = param.startswith("-")
            name = param.removeprefix("-")
            field = self.param_map.get(name, name)
            if name in self.annotate:
                qs = self.annotate[name](qs)
            if name in self.annotate or _nullable(qs.model, field):
                expression = models.F(field)
                ordering.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
            else:
                ordering.append(f"-{field}" if descending else field)
        fields = {self.param_map.get(param.removeprefix("-"), param.removeprefix("-")) for param in params}
        if not fields & {"id", "pk"}:
            ordering.append("-pk" if params[-1].startswith("-") else "pk")
        return qs.order_by(*ordering)


class RegistryFilterSet(django_filters.FilterSet):
    """Base of every filter set: strict booleans and `last_updated_from` for incremental sync (inclusive)."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    last_updated_from = DateOrDateTimeFilter(
        field_name="last_updated", lookup_expr="gte", label=_("Last updated from (inclusive)")
    )

    @classmethod
    def get_filters(cls):
        """A model without `last_updated` (reference data such as divisions) has no `last_updated_from`:
        the parameter is then unknown (400), never a query on a missing column (500)."""
        filters = super().get_filters()
        model = cls._meta.model
        if model is not None and "last_updated_from" in filters:
            if not any(field.name == "last_updated" for field in model._meta.get_fields()):
                filters.pop("last_updated_from")
        for filter_ in filters.values():
            if isinstance(filter_, django_filters.NumberFilter):
                # Beyond 64-bit integers no row can match, and SQLite raises OverflowError (a 500).
                filter_.extra.setdefault("min_value", -BIGGEST_INTEGER)
                filter_.extra.setdefault("max_value", BIGGEST_INTEGER)
        return filters

    @property
    def day(self) -> datetime.date:
        """The day the list is read as of: its `as_of`, else today. Filters that depend on a day
        ("in force", "current") read it, so that they too are applied to the past state."""
        data = getattr(self.form, "cleaned_data", None) or {}
        for name, filter_ in self.filters.items():
            if isinstance(filter_, AsOfFilter) and data.get(name) not in EMPTY_VALUES:
                return data[name]
        return timezone.localdate()

    def filter_queryset(self, queryset):
        """Every filter, then `as_of` last: it rebuilds every table the query reads by then (joins and
        subqueries the other filters and the ordering added too, core/asof.py)."""
        last = []
        for name, value in self.form.cleaned_data.items():
            if isinstance(self.filters[name], AsOfFilter):
                last.append((name, value))
                continue
            queryset = self.filters[name].filter(queryset, value)
        for name, value in last:
            queryset = self.filters[name].filter(queryset, value)
        return queryset


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, plus: an unknown query parameter is a 400 naming it. List filters narrow lists
    only: a detail route (`organizations/604/?district=330212`) addresses its record by id alone, so
    the filters are read there (a typo is still a 400) but never turn the record into a 404."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        allowed = set(COMMON_QUERY_PARAMETERS) | set(getattr(view, "extra_query_parameters", ()))
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        if getattr(view, "detail", False):
            return queryset
        return super().filter_queryset(request, queryset, view)


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH"})


class NoQueryParametersOnWrites:
    """Viewset mixin: a write takes its input from the body alone, so any query parameter on a
    POST, PUT or PATCH (the create, the update, a status action, bulk sync) is a 400 naming it,
    before anything is read or written (`bulk/?dry_run=1` wrote the batch; found by hand). An action
    names the parameters it reads in `write_query_parameters` (`{"bulk": {"dry_run"}}`: core.bulk)."""

    write_query_parameters: dict[str, frozenset] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # A method the view does not answer stays a 405.
        if request.method in WRITE_METHODS and hasattr(self, request.method.lower()) and request.query_params:
            known = self.write_query_parameters.get(getattr(self, "action", None), frozenset())
            unknown = sorted(set(request.query_params) - known)
            if unknown:
                message = _("Unknown query parameter: a write takes its input from the body only.")
                raise ValidationError({name: [message] for name in unknown})
