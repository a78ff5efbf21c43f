"""The logs the system writes, read in the admin: the change history and the export log."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.bases import ReadOnlyAdmin
from core.admin.history import describe_changes
from core.models import ChangeRecord, ExportLog


class RecordTypeFilter(admin.SimpleListFilter):
    """The kinds of records the history holds, by their Chinese names (not every table Django keeps)."""

    title = _("record type")
    parameter_name = "content_type__id__exact"

    def lookups(self, request, model_admin):
        ids = ChangeRecord.objects.order_by().values_list("content_type", flat=True).distinct()
        kinds = ContentType.objects.filter(pk__in=list(ids))
        named = [(kind.pk, _record_type_name(kind)) for kind in kinds]
        return sorted(named, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(content_type_id=self.value())
        return queryset


def _record_type_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model is not None else content_type.model


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["time", "record_type", "record_link", "action", "actor_name", "source", "request_id"]
    list_filter = ["action", "source", RecordTypeFilter]
    list_select_related = ["content_type"]
    search_fields = ["object_repr", "actor_name", "request_id", "message"]
    date_hierarchy = "time"
    fields = [
        "time",
        "record_type",
        "object_id",
        "record_link",
        "action",
        "actor_name",
        "source",
        "request_id",
        "message",
        "change_table",
    ]
    readonly_fields = fields

    @admin.display(description=_("record type"), ordering="content_type")
    def record_type(self, record):
        return _record_type_name(record.content_type)

    @admin.display(description=_("record"), ordering="object_repr")
    def record_link(self, record):
        try:
            url = reverse(
                f"admin:{record.content_type.app_label}_{record.content_type.model}_history", args=[record.object_id]
            )
        except NoReverseMatch:
            return record.object_repr
        return format_html('<a href="{}">{}</a>', url, record.object_repr)

    @admin.display(description=_("changed fields"))
    def change_table(self, record):
        rows = describe_changes(record.content_type.model_class(), record.changes)
        if not rows:
            return "—"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("field"),
            gettext("before"),
            gettext("after"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyAdmin):
    list_display = ["time", "user_name", "title", "file_format", "as_of", "row_count", "source", "request_id"]
    list_filter = ["title", "file_format", "source"]
    search_fields = ["user_name", "title", "resource", "request_id", "sha256"]
    date_hierarchy = "time"
