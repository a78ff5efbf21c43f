from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.choices import Role
from core.exports.admin import ExportAdminMixin
from core.imports import ImportAdminMixin
from core.models import AccessProfile, ApiToken, ChangeRecord, ExportLog

admin.site.site_header = _("Ningbo Social Organization Registry")
admin.site.site_title = _("Ningbo Social Organization Registry")
admin.site.index_title = _("Registry administration")


def is_clerk(request) -> bool:
    principal = principal_of(request.user)
    return principal.role == Role.CLERK and not principal.read_only


class RegistryAdmin(ImportAdminMixin, ExportAdminMixin, admin.ModelAdmin):
    """Base of every admin page: clerks write, auditors only read, only a superuser deletes. Every list
    exports to CSV/Excel (ExportAdminMixin: an action for the selected rows, a button for the filtered list);
    with `importable = True`, clerks import spreadsheets (ImportAdminMixin: dry run, then atomic import)."""

    def has_view_permission(self, request, obj=None):
        return principal_of(request.user).role in {Role.CLERK, Role.AUDITOR}

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request, *args):
        return is_clerk(request)

    def has_change_permission(self, request, obj=None):
        return is_clerk(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_clerk(request):
            return {name: spec for name, spec in actions.items() if getattr(spec[0], "read_only_action", False)}
        return actions


class StatusActionForm(forms.Form):
    date = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


def status_action(*, service, target: str, title, needs_date: bool = True):
    """An admin action that asks for a date and a reason, then runs a status service on each selected
    record in one transaction (all or none)."""

    def action(modeladmin, request, queryset):
        if not is_clerk(request):
            raise PermissionDenied
        form = StatusActionForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            if needs_date and not form.cleaned_data["date"]:
                form.add_error("date", _("A date is required."))
            else:
                try:
                    with transaction.atomic():
                        for record in queryset:
                            arguments = {target: record, "reason": form.cleaned_data["reason"], "actor": request.user}
                            if needs_date:
                                arguments["on"] = form.cleaned_data["date"]
                            service(**arguments)
                except ValidationError as error:
                    messages.error(request, "; ".join(f"{record}: {m}" for m in error.messages))
                    return None
                modeladmin.message_user(request, _("%(title)s: %(n)d record(s) done.") % {
                    "title": title, "n": queryset.count()}, messages.SUCCESS)
                return None
        return render(
            request,
            "admin/core/status_action.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": title,
                "form": form,
                "needs_date": needs_date,
                "queryset": queryset,
                "action_name": request.POST.get("action"),
                "opts": modeladmin.model._meta,
                "select_across": request.POST.get("select_across", "0"),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            },
        )

    action.__name__ = service.__name__
    action.short_description = title
    action.allowed_permissions = ("change",)
    return action


@admin.register(ChangeRecord)
class ChangeRecordAdmin(RegistryAdmin):
    list_display = ["time", "content_type", "object_repr", "action", "actor_name", "source", "request_id"]
    list_filter = ["action", "source", "content_type"]
    search_fields = ["object_repr", "actor_name", "request_id", "message"]
    date_hierarchy = "time"

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExportLog)
class ExportLogAdmin(ChangeRecordAdmin):
    list_display = ["time", "user_name", "resource", "file_format", "row_count", "source"]
    list_filter = ["resource", "file_format", "source"]
    search_fields = ["user_name", "resource"]


@admin.register(ApiToken)
class ApiTokenAdmin(RegistryAdmin):
    list_display = ["user", "name", "prefix", "created", "expires_at", "revoked_at", "read_only", "last_used"]
    list_filter = ["read_only"]
    readonly_fields = ["prefix", "created", "last_used"]


@admin.register(AccessProfile)
class AccessProfileAdmin(RegistryAdmin):
    list_display = ["user", "district_code", "description"]
