"""The bases of every app's admin: clerks write, auditors only read (no add, change, delete or writing
action, inlines included), only a superuser deletes; change forms refuse to save over a change made since
they were opened; every object's "history" page shows its change records; list filters driven by the
API's filter sets."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin.history import describe_changes
from core.admin_filters import DateRangeFilter
from core.choices import Role
from core.exports.admin import ExportAdminMixin
from core.imports.admin import ImportAdminMixin
from core.models import ChangeRecord, HistoryModel

admin.site.site_header = _("Ningbo Social Organization Registry")
admin.site.site_title = _("Ningbo Social Organization Registry")
admin.site.site_url = None  # no public site behind the admin: a "view site" link would lead to a 404
admin.site.index_title = _("Registry administration")


VERSION_FIELD = "registry_version"


def is_clerk(request) -> bool:
    principal = principal_of(request.user)
    return principal.role == Role.CLERK and not principal.read_only


def reads_admin(request) -> bool:
    return principal_of(request.user).reads_history


def township_desk_of(request) -> str | None:
    """The township of a township filing desk signed in to the admin (DESIGN §9), else None."""
    principal = principal_of(request.user)
    return principal.township if principal.role == Role.TOWNSHIP else None


def record_version(instance) -> str:
    stamp = getattr(instance, "last_updated", None)
    return stamp.isoformat() if stamp else ""


class VersionCheckedForm(forms.ModelForm):
    """Carries the version (`last_updated`) of the record as the form was opened and refuses to
    save when the stored record has changed since: no change made meanwhile is silently overwritten."""

    registry_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = record_version(self.instance)

    def clean(self):
        cleaned = super().clean()
        opened = self.cleaned_data.get(VERSION_FIELD)
        if self.instance.pk is None or not opened:
            return cleaned
        model = type(self.instance)
        # Locked until the admin's transaction ends, so nobody slips in between this check and the save.
        stored = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is not None and record_version(stored) != opened:
            latest = ChangeRecord.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=self.instance.pk
            ).first()
            if latest is not None:
                who = latest.actor_name or gettext("the system")
                when = timezone.localtime(latest.time).strftime("%Y-%m-%d %H:%M:%S")
                message = gettext(
                    "This record was changed by %(who)s at %(when)s, after you opened this form. Your changes "
                    "were not saved: reopen the record to see the current version, then make them again."
                ) % {"who": who, "when": when}
            else:
                message = gettext(
                    "This record was changed after you opened this form. Your changes were not saved: reopen "
                    "the record to see the current version, then make them again."
                )
            raise ValidationError(message, code="stale")
        return cleaned


def short_label(record) -> str:
    """A record in a list column by its short label (鄞州区), its key on hover (330212): for records whose
    model names its `short_label_field` (divisions); a list has no room for both."""
    if record is None:
        return "-"
    label = getattr(record, type(record).short_label_field)
    return format_html('<span class="registry-division" title="{}">{}</span>', record.pk, label)


def _short_label_column(field):
    def column(obj):
        return short_label(getattr(obj, field.name))

    column.__name__ = field.name  # the column keeps its class (field-division)
    return admin.display(description=field.verbose_name, ordering=field.name)(column)


class RegistryListMixin:
    """What every list of the registry does on a 1440-wide screen (the navigation sidebar starts collapsed
    and the name column is wide: admin/core/registry_change_list.html), worked out from the list's own
    declarations so a new list needs nothing more:

    - a related record whose model has `short_label_field` (a division) shows by its short label, its
      code on hover;
    - a filter on a related record offers only the records the list has (no historical 江东区 or 奉化市
      where nothing refers to them);
    - unless `ordering` says otherwise, the newest first: by the date the list filters by range
      (`DateRangeFilter`), rows without one last.
    """

    def _short_label_fields(self) -> dict:
        fields = {}
        for name in self.list_display:
            if not isinstance(name, str):
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if (field.many_to_one or field.one_to_one) and hasattr(field.related_model, "short_label_field"):
                fields[name] = field
        return fields

    def get_list_display(self, request):
        shown = self._short_label_fields()
        display = super().get_list_display(request)
        return [_short_label_column(shown[name]) if name in shown else name for name in display]

    def get_list_select_related(self, request):
        chosen = super().get_list_select_related(request)
        if chosen is True:
            return True
        shown = list(self._short_label_fields())
        if chosen is False:
            # Django would join the related columns of list_display; the short labels are functions now.
            chosen = [
                name
                for name in self.list_display
                if isinstance(name, str)
                and name in {f.name for f in self.model._meta.fields if f.many_to_one or f.one_to_one}
            ]
        return [*chosen, *(name for name in shown if name not in chosen)]

    def get_list_filter(self, request):
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and "__" not in item:
                try:
                    field = self.model._meta.get_field(item)
                except FieldDoesNotExist:
                    field = None
                if field is not None and (field.many_to_one or field.one_to_one):
                    item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        return filters

    def get_ordering(self, request):
        if self.ordering:
            return self.ordering
        for item in self.list_filter:
            if isinstance(item, tuple) and issubclass(item[1], DateRangeFilter):
                return [F(item[0]).desc(nulls_last=True), "-pk"]
        return super().get_ordering(request)


class RegistryAdmin(RegistryListMixin, ImportAdminMixin, ExportAdminMixin, admin.ModelAdmin):
    """Base of every admin page: clerks write, auditors only read, only a superuser deletes. Every list
    exports to CSV/Excel (ExportAdminMixin: an action for the selected rows, a button for the filtered list)
    and fits a wide screen (RegistryListMixin); with `importable = True`, clerks import spreadsheets
    (ImportAdminMixin: dry run, then atomic import)."""

    change_form_template = "admin/core/change_form.html"
    object_history_template = "admin/core/change_history.html"

    def has_view_permission(self, request, obj=None):
        return reads_admin(request)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, *args):
        return self.writes(request)

    def has_change_permission(self, request, obj=None):
        return self.writes(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def writes(self, request) -> bool:
        """Whether the signed-in user writes on this page (clerks; a page may admit others, e.g. filings
        for township desks, whose jurisdiction core.access.check_write still decides per record)."""
        return is_clerk(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not self.writes(request):
            return {name: spec for name, spec in actions.items() if getattr(spec[0], "read_only_action", False)}
        return actions

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if issubclass(self.model, HistoryModel) and not issubclass(form, VersionCheckedForm):
            form = type(form.__name__, (VersionCheckedForm, form), {"__module__": form.__module__})
        return form

    def get_fields(self, request, obj=None):
        # The version travels as a hidden input of its own (admin/core/change_form.html), not in a fieldset.
        return [name for name in super().get_fields(request, obj) if name != VERSION_FIELD]

    def history_view(self, request, object_id, extra_context=None):
        """The object's change records (who, when, through which door, which field from what to what)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        content_type = ContentType.objects.get_for_model(self.model)
        records = ChangeRecord.objects.filter(content_type=content_type, object_id=obj.pk)
        page = Paginator(records, 100).get_page(request.GET.get("p", 1))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change history: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural),
            "page": page,
            "entries": [(record, describe_changes(self.model, record.changes)) for record in page],
            "all_records_url": reverse("admin:core_changerecord_changelist")
            + f"?content_type__id__exact={content_type.pk}&object_id={obj.pk}",
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


class RegistryInlineMixin:
    """Inlines follow the page's rules: auditors read, clerks add and change, only a superuser
    deletes (unless `clerks_delete`: rows that are only links, such as the organizations a platform
    incubated, may be removed by clerks; the removal is recorded like any change)."""

    clerks_delete = False
    extra = 0  # no blank rows: a clerk adds one when there is one to add

    def has_view_permission(self, request, obj=None):
        return reads_admin(request)

    def has_add_permission(self, request, obj=None):
        return is_clerk(request)

    def has_change_permission(self, request, obj=None):
        return is_clerk(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser or (self.clerks_delete and is_clerk(request))


class FilterSetListFilter(admin.SimpleListFilter):
    """An admin list filter that applies the API's filter set (`filterset_class`) to its one parameter
    (`parameter_name`), so the admin and the API select alike; a subclass gives the title and lookups."""

    filterset_class: type | None = None

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        return self.filterset_class({self.parameter_name: value}, queryset=queryset).qs


class RegistryTabularInline(RegistryInlineMixin, admin.TabularInline):
    pass


class RegistryStackedInline(RegistryInlineMixin, admin.StackedInline):
    pass


def added_and_shown_at(modeladmin, request, obj, url: str):
    """After a plain "save" of a new record, show the clerk `url` (the record's page or the one the clerk
    came from) with Django's own success message, instead of a list the record is lost in. The other
    buttons (save and add another, save and continue, a popup's save) keep Django's behaviour: None."""
    if any(key in request.POST for key in ("_addanother", "_continue", "_saveasnew", admin.options.IS_POPUP_VAR)):
        return None
    change_url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    link = format_html('<a href="{}">{}</a>', change_url, obj)
    message = format_html(gettext("The {name} “{obj}” was added successfully."), name=obj._meta.verbose_name, obj=link)
    modeladmin.message_user(request, message, messages.SUCCESS)
    return HttpResponseRedirect(url)


class ReadOnlyAdmin(RegistryAdmin):
    """What the system writes or works out (logs, jobs, computed lists): nobody adds, changes or deletes
    a row here."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
