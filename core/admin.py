"""Admin bases every app uses, and the admin of access and history.

Clerks write, auditors only read (no add, change, delete or writing action, inlines included), only
a superuser deletes; change forms refuse to save over a change made since they were opened; every
object's "history" page shows its change records.
"""

import datetime

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin_filters import DateRangeFilter
from core.choices import Role
from core.exports.admin import ExportAdminMixin
from core.imports.admin import ImportAdminMixin
from core.models import AccessProfile, ApiToken, ChangeRecord, ExportLog, HistoryModel, validate_rate
from core.roles import roles_of_groups
from core.services import token_revoke

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


def _display_value(field, value):
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return value


def describe_changes(model, changes: dict) -> list[tuple[str, object, object]]:
    """(field label, old, new) for each changed field, in the language of the page; a reference to
    another record by that record's name (and credit code), not its key."""
    rows = []
    for name, (old, new) in (changes or {}).items():
        try:
            field = model._meta.get_field(name) if model is not None else None
            label = str(getattr(field, "verbose_name", name))
        except FieldDoesNotExist:
            field, label = None, name
        concrete = field if getattr(field, "concrete", False) else None
        if concrete is not None and concrete.many_to_one:
            names = _names_of(concrete.related_model, [old, new])
            old, new = names.get(old, old), names.get(new, new)
        rows.append((label, _display_value(concrete, old), _display_value(concrete, new)))
    return rows


def _names_of(model, keys) -> dict:
    """The records of `model` with these keys, each as a person names it: "name（credit code）" or its str()."""
    keys = [key for key in keys if key not in (None, "")]
    try:
        records = model._default_manager.filter(pk__in=keys)
        return {record.pk: _name_of(record) for record in records} | {
            str(record.pk): _name_of(record) for record in records
        }
    except (ValueError, ValidationError):  # a key of another shape than the model's: shown as recorded
        return {}


def _name_of(record) -> str:
    uscc = getattr(record, "uscc", "")
    return f"{record}（{uscc}）" if uscc else str(record)


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


class StatusActionForm(forms.Form):
    """A reason, kept as typed when the form comes back with an error. Required fields are marked as on
    every admin page (label class "required")."""

    required_css_class = "required"
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class LatestDateWidget(AdminDateWidget):
    """The admin's date widget whose calendar offers no day after today (core/latest-date.js)."""

    class Media:
        js = ["core/latest-date.js"]

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-latest": timezone.localdate().isoformat()}
        return super().get_context(name, value, attrs)


class DatedStatusActionForm(StatusActionForm):
    """A date (the admin's date widget, offering no day after today; a later one typed is refused) and a reason."""

    date = forms.DateField(
        label=_("date"), widget=LatestDateWidget(), error_messages={"required": _("A date is required.")}
    )
    field_order = ["date", "reason"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(gettext("The date may not lie in the future."))
        return date


def form_action(*, name: str, title, form_class, run):
    """An admin action that asks for the fields of `form_class`, then calls `run(record, data, user)` on
    every selected record in one transaction (all or none); a refusal names the record and its reason.
    Those who write on the page only (`RegistryAdmin.writes`: clerks, and township desks on filings)."""

    def action(modeladmin, request, queryset):
        writes = getattr(modeladmin, "writes", None)
        if not (writes(request) if writes is not None else is_clerk(request)):
            raise PermissionDenied
        applying = "apply" in request.POST
        form = form_class(request.POST if applying else None)
        if applying and form.is_valid():
            current = None
            try:
                with transaction.atomic():
                    for record in queryset:
                        current = record
                        run(record, form.cleaned_data, request.user)
            except ValidationError as error:
                # Shown on the form again, with what the clerk typed, rather than on the list.
                for message in error.messages:
                    form.add_error(None, f"{current}: {message}")
                return render_action_form(modeladmin, request, queryset, title=title, form=form)
            modeladmin.message_user(
                request,
                _("%(title)s: %(n)d record(s) done.") % {"title": title, "n": queryset.count()},
                messages.SUCCESS,
            )
            return None
        return render_action_form(modeladmin, request, queryset, title=title, form=form)

    action.__name__ = name
    action.short_description = title
    action.allowed_permissions = ("change",)
    return action


def status_action(*, service, target: str, title, needs_date: bool = True):
    """An admin action that asks for a date (unless `needs_date` is off) and a reason, then runs a status
    service on each selected record in one transaction (all or none)."""

    def run(record, data, user):
        arguments = {target: record, "reason": data["reason"], "actor": user}
        if needs_date:
            arguments["on"] = data["date"]
        service(**arguments)

    form_class = DatedStatusActionForm if needs_date else StatusActionForm
    return form_action(name=service.__name__, title=title, form_class=form_class, run=run)


def render_action_form(modeladmin, request, queryset, *, title, form):
    opts = modeladmin.model._meta
    columns = [name for name in ("name", "uscc", "filing_number", "status") if _has_field(opts, name)]
    records = list(queryset)
    if columns:
        headers = [opts.get_field(name).verbose_name for name in columns]
        rows = [[_shown(record, name) for name in columns] for record in records]
    else:
        headers, rows = [opts.verbose_name], [[str(record)] for record in records]
    if len(records) == 1:
        cancel_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[records[0].pk])
    else:
        cancel_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return TemplateResponse(
        request,
        "admin/core/status_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action_name": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "headers": headers,
            "rows": rows,
            "cancel_url": cancel_url,
            "media": modeladmin.media + form.media,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        },
    )


def _has_field(opts, name: str) -> bool:
    try:
        opts.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _shown(record, name: str):
    display = getattr(record, f"get_{name}_display", None)
    return display() if display is not None else getattr(record, name) or "—"


class ReadOnlyLogAdmin(RegistryAdmin):
    """Logs are written by the system only: nobody adds, changes or deletes an entry here."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyLogAdmin):
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
class ExportLogAdmin(ReadOnlyLogAdmin):
    list_display = ["time", "user_name", "title", "file_format", "as_of", "row_count", "source", "request_id"]
    list_filter = ["title", "file_format", "source"]
    search_fields = ["user_name", "title", "resource", "request_id", "sha256"]
    date_hierarchy = "time"


def api_client_accounts():
    """Accounts that may hold API tokens: API clients (an access profile), never a person's staff login."""
    return (
        get_user_model()
        .objects.filter(access_profile__isnull=False, is_staff=False, is_superuser=False, is_active=True)
        .order_by("username")
    )


class ApiTokenIssueForm(forms.ModelForm):
    lifetime_days = forms.IntegerField(
        label=_("valid for (days)"), min_value=1, max_value=3650, initial=settings.REGISTRY_TOKEN_LIFETIME_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "read_only", "rate_limit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = api_client_accounts()
        self.fields["user"].help_text = _(
            "API client accounts are created with: python manage.py create_api_client NAME --role ROLE"
        )
        self.fields["rate_limit"].validators = [validate_rate]


@admin.register(ApiToken)
class ApiTokenAdmin(RegistryAdmin):
    """Clerks issue tokens (the key is shown once, on the page that follows) and revoke them; a stored
    token is never edited and its key cannot be shown again: it is not stored."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created",
        "expires_at",
        "revoked_at",
        "read_only",
        "rate_limit",
        "last_used",
        "active",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke_tokens"]
    fields = ["user", "name", "prefix", "created", "expires_at", "revoked_at", "read_only", "rate_limit", "last_used"]
    readonly_fields = fields

    @admin.display(description=_("active"), boolean=True)
    def active(self, token):
        return token.is_active

    def has_change_permission(self, request, obj=None):
        # Actions (revoke) need the change permission; a stored token itself is never edited.
        return obj is None and is_clerk(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "read_only", "rate_limit", "lifetime_days"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        request._issued_key = obj.assign_new_key()
        obj.expires_at = timezone.now() + datetime.timedelta(days=form.cleaned_data["lifetime_days"])
        obj.full_clean()
        obj.save()

    def response_add(self, request, obj, post_url_continue=None):
        """Show the key on the page that answers the form: never in a message cookie, session or log."""
        response = TemplateResponse(
            request,
            "admin/core/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("API token issued"),
                "token": obj,
                "key": request._issued_key,
                "opts": self.opts,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        if not is_clerk(request):
            raise PermissionDenied
        with transaction.atomic():
            revoked = [token_revoke(token=token, actor=request.user) for token in queryset if token.revoked_at is None]
        self.message_user(request, gettext("%(n)d token(s) revoked.") % {"n": len(revoked)}, messages.SUCCESS)


@admin.register(AccessProfile)
class AccessProfileAdmin(RegistryAdmin):
    """API client accounts (created by `create_api_client`) and the bindings of admin users: clerks may
    correct the district, the township and the description, and bind an admin user of the township desk
    group to its township (DESIGN §9; docs/admin-guide.zh.md)."""

    list_display = ["user", "role", "district_code", "township_code", "description", "active_tokens"]
    list_select_related = ["user"]
    search_fields = ["user__username", "district_code", "township_code", "description"]
    fields = ["user", "district_code", "township_code", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups", "user__api_tokens")

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    @admin.display(description=_("role"))
    def role(self, profile):
        roles = roles_of_groups(group.name for group in profile.user.groups.all())
        return ", ".join(str(label) for value, label in Role.choices if value in roles) or "—"

    @admin.display(description=_("active tokens"))
    def active_tokens(self, profile):
        return sum(1 for token in profile.user.api_tokens.all() if token.is_active)


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=settings.AXES_FAILURE_LIMIT)
        return queryset


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins by user name and address (django-axes), and which of them are locked: clerks read
    them and lift a lock; the rows go when the lock runs out (docs/decisions/0131-login-lockout.md)."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked_until"]
    list_filter = [LockedFilter, "attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "locked_until",
        "path_info",
        "user_agent",
    ]
    readonly_fields = fields
    actions = ["lift_locks"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("locked until"))
    def locked_until(self, attempt: AccessAttempt):
        if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return gettext("not locked (%(left)d attempts left)") % {
                "left": settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
            }
        return timezone.localtime(attempt.attempt_time + settings.AXES_COOLOFF_TIME)

    @admin.action(description=_("Lift the lock of the selected user names and addresses"), permissions=["change"])
    def lift_locks(self, request, queryset):
        count = queryset.count()
        queryset.delete()  # as axes resets a lock: the failures counted go, and the lock with them
        self.message_user(request, gettext("%(count)d locks lifted.") % {"count": count}, messages.SUCCESS)


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
