"""Filter sets of the change history and the export log (API lists, exports)."""

import django_filters
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from core.choices import ChangeAction, ChangeSource
from core.filters import DateOrDateTimeFilter, RegistryFilterSet
from core.models import ChangeRecord, ExportLog, HistoryModel


def history_model_choices() -> list[tuple[str, str]]:
    """The lower-case names of the models whose changes are recorded (organization, evaluation, …)."""
    names = {model._meta.model_name for model in apps.get_models() if issubclass(model, HistoryModel)}
    return [(name, name) for name in sorted(names)]


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class LogFilterSet(RegistryFilterSet):
    """Logs are append-only and have no `last_updated` (so no `last_updated_from`): `since`/`until`
    take its place."""

    since = DateOrDateTimeFilter(field_name="time", lookup_expr="gte", label=_("since (date or timestamp, inclusive)"))
    until = DateOrDateTimeFilter(
        field_name="time",
        lookup_expr="lte",
        end_of_day=True,
        label=_("until (date or timestamp, inclusive; a date means through the end of that day)"),
    )
    request_id = django_filters.CharFilter(label=_("request id"))
    source = django_filters.ChoiceFilter(choices=ChangeSource.choices, label=_("source"))


class ChangeRecordFilterSet(LogFilterSet):
    model = django_filters.ChoiceFilter(choices=history_model_choices, method="filter_model", label=_("record type"))
    object_id = IntegerFilter(label=_("record id"))
    user = django_filters.CharFilter(field_name="actor_name", label=_("user name"))
    action = django_filters.ChoiceFilter(choices=ChangeAction.choices, label=_("action"))

    class Meta:
        model = ChangeRecord
        fields = ["model", "object_id", "user", "since", "until", "request_id", "action", "source"]

    def filter_model(self, queryset, name: str, value: str):
        types = ContentType.objects.filter(model=value).values_list("pk", flat=True)
        return queryset.filter(content_type_id__in=list(types))


class ExportLogFilterSet(LogFilterSet):
    user = django_filters.CharFilter(field_name="user_name", label=_("user name"))
    resource = django_filters.CharFilter(label=_("list"))
    file_format = django_filters.CharFilter(label=_("format"))

    class Meta:
        model = ExportLog
        fields = ["user", "resource", "file_format", "since", "until", "request_id", "source"]
