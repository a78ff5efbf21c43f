"""Exports from the admin: an action that exports the selected rows, and an "export this filtered list"
button on every change list, through the same code (and, where the model has an API list, the same
viewset, serializer and masking) as the API's `?format=csv|xlsx`."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import NoReverseMatch, path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from rest_framework import serializers

from core.choices import ChangeSource
from core.exports.resources import api_resource_for
from core.exports.tables import ExportTable
from core.exports.views import CSV, FORMATS, XLSX, export_response, filters_of


def admin_fallback_serializer(model, field_names) -> serializers.ModelSerializer:
    """For a model without an API list: the model fields of the admin's `list_display`, related records
    by their names."""
    concrete = {field.name: field for field in model._meta.concrete_fields}
    names = [name for name in field_names if isinstance(name, str) and name in concrete] or ["pk"]
    attrs = {name: serializers.StringRelatedField() for name in names if name != "pk" and concrete[name].is_relation}
    attrs["Meta"] = type("Meta", (), {"model": model, "fields": names})
    return type(f"{model.__name__}ExportSerializer", (serializers.ModelSerializer,), attrs)()


def _selection_filters(request) -> dict:
    selected = "all" if request.POST.get("select_across") == "1" else request.POST.getlist(ACTION_CHECKBOX_NAME)
    return {**filters_of(request.GET), "selected": selected}


@admin.action(description=_("Export the selected rows (CSV)"))
def export_selected_csv(modeladmin, request, queryset):
    return modeladmin.export_queryset(request, queryset, CSV, filters=_selection_filters(request))


@admin.action(description=_("Export the selected rows (Excel)"))
def export_selected_xlsx(modeladmin, request, queryset):
    return modeladmin.export_queryset(request, queryset, XLSX, filters=_selection_filters(request))


# Auditors keep these (see core.admin.bases.RegistryAdmin.get_actions): reading out is not a change.
export_selected_csv.read_only_action = True
export_selected_xlsx.read_only_action = True
EXPORT_ACTIONS = (export_selected_csv, export_selected_xlsx)


class ExportAdminMixin:
    """For RegistryAdmin: the export actions, the export button (template) and its view."""

    change_list_template = "admin/core/registry_change_list.html"
    # File name of models without an API list; by default their English plural, as a slug.
    export_resource: str | None = None

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_export"
        view = self.admin_site.admin_view(self.export_list_view)
        return [path("export/<str:file_format>/", view, name=name), *super().get_urls()]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for action in EXPORT_ACTIONS:
            actions.setdefault(action.__name__, self.get_action(action))
        return actions

    def changelist_view(self, request, extra_context=None):
        query = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG):
            query.pop(name, None)
        suffix = f"?{query.urlencode()}" if query else ""
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_export"
        links = [
            (reverse(name, kwargs={"file_format": CSV}) + suffix, _("Export this list (CSV)")),
            (reverse(name, kwargs={"file_format": XLSX}) + suffix, _("Export this list (Excel)")),
        ]
        links += self.background_export_links(query)
        return super().changelist_view(request, {**(extra_context or {}), "registry_export_links": links})

    def background_export_links(self, query) -> list[tuple[str, str]]:
        """ "后台导出" links, where the model has an API list and a long-export view is installed (the jobs
        app names it `admin:jobs_exportjob_request`; core does not import it)."""
        if api_resource_for(self.model) is None:
            return []
        try:
            base = [
                reverse(
                    "admin:jobs_exportjob_request",
                    kwargs={"app_label": self.opts.app_label, "model_name": self.opts.model_name, "file_format": kind},
                )
                for kind in (CSV, XLSX)
            ]
        except NoReverseMatch:
            return []
        suffix = f"?{urlencode({'_changelist_filters': query.urlencode()})}" if query else ""
        return [
            (base[0] + suffix, _("Export in the background (CSV)")),
            (base[1] + suffix, _("Export in the background (Excel)")),
        ]

    def export_list_view(self, request, file_format: str):
        """The change list as filtered, searched and sorted now (every page), as a file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if file_format not in FORMATS:
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            return HttpResponseRedirect(f"{url}?{ERROR_FLAG}=1")
        return self.export_queryset(request, changelist.queryset, file_format, filters=filters_of(request.GET))

    def get_export_resource(self) -> str:
        if self.export_resource:
            return self.export_resource
        with override("en"):
            return slugify(str(self.opts.verbose_name_plural))

    def export_queryset(self, request, queryset: models.QuerySet, file_format: str, *, filters: dict):
        """Export these rows; with the API list's viewset (columns, select_related, masking) where there is one."""
        resource = api_resource_for(self.model)
        if resource is not None:
            viewset = resource.viewset_for(request)
            table = ExportTable(viewset.get_serializer(), viewset.export_fields)
            rows = viewset.get_queryset().filter(pk__in=queryset.values("pk"))
            name = viewset.export_resource or resource.name
            chunk_size = viewset.export_chunk_size
        else:
            table = ExportTable(admin_fallback_serializer(self.model, self.get_list_display(request)))
            rows = queryset
            name = self.get_export_resource()
            chunk_size = 1000
        return export_response(
            table=table,
            queryset=rows,
            resource=name,
            file_format=file_format,
            title=self.opts.verbose_name_plural,
            user=request.user,
            filters=filters,
            source=ChangeSource.ADMIN,
            request_id=getattr(request, "request_id", ""),
            chunk_size=chunk_size,
        )
