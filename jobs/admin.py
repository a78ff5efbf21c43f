"""The admin's long exports: "后台导出" beside the export buttons of every change list that has an API
list (core.exports.admin links here), a progress page that refreshes itself until the file is ready,
and the list of one's exports (clerks: everyone's)."""

from urllib.parse import parse_qsl

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin.bases import ReadOnlyAdmin
from core.choices import Role
from core.exports.views import CONTENT_TYPES, FORMATS, XLSX, attachment_header
from jobs.exports import admin_rows, export_request_admin, exports_storage
from jobs.models import ExportJob, ExportStatus, PeriodicRun

REFRESH_SECONDS = 2


def sees_every_export(user) -> bool:
    return principal_of(user).role == Role.CLERK


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["created", "title", "file_format", "status", "progress_shown", "requested_by", "progress_link"]
    list_filter = ["status", "file_format"]
    list_select_related = ["requested_by"]
    search_fields = ["title", "resource", "requested_by__username"]
    date_hierarchy = "created"

    owner_only = True  # tests/core/test_admin_access.py: another's export is a 403, even for auditors

    def has_view_permission(self, request, obj=None):
        if obj is not None and not sees_every_export(request.user) and obj.requested_by_id != request.user.pk:
            return False
        return super().has_view_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        """Any export by id, so that another's is refused (403, has_view_permission), not "not found"."""
        queryset = super().get_queryset(request)
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if sees_every_export(request.user) else queryset.filter(requested_by=request.user)

    @admin.display(description=_("rows written"))
    def progress_shown(self, job):
        return f"{job.progress} / {job.total}" if job.total is not None else job.progress

    @admin.display(description=_("progress"))
    def progress_link(self, job):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:jobs_exportjob_progress", args=[job.pk]), gettext("show")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "request/<str:app_label>/<str:model_name>/<str:file_format>/",
                view(self.request_view),
                name="jobs_exportjob_request",
            ),
            path("<int:pk>/progress/", view(self.progress_view), name="jobs_exportjob_progress"),
            path("<int:pk>/download/", view(self.download_view), name="jobs_exportjob_download"),
            *super().get_urls(),
        ]

    def request_view(self, request, app_label: str, model_name: str, file_format: str):
        """GET: what will be exported, and a button; POST: queue it and show its progress."""
        if file_format not in FORMATS:
            raise Http404
        admin_list = f"{app_label}.{model_name}"
        query = request.GET.get("_changelist_filters", "")
        params = {}
        for name, value in parse_qsl(query, keep_blank_values=True):
            params.setdefault(name, []).append(value)
        params = {name: values[0] if len(values) == 1 else values for name, values in params.items()}
        back = f"{reverse(f'admin:{app_label}_{model_name}_changelist')}?{query}" if query else None
        try:
            _viewset, queryset = admin_rows(user=request.user, admin_list=admin_list, params=params)
            if request.method == "POST":
                job = export_request_admin(
                    request=request, admin_list=admin_list, params=params, file_format=file_format
                )
                return HttpResponseRedirect(reverse("admin:jobs_exportjob_progress", args=[job.pk]))
        except (IncorrectLookupParameters, LookupError):
            raise Http404 from None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Export in the background"),
            "list_name": queryset.model._meta.verbose_name_plural,
            "format_name": "Excel" if file_format == XLSX else "CSV",
            "rows": queryset.count(),
            "cancel_url": back or reverse(f"admin:{app_label}_{model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/jobs/export_request.html", context)

    def _job(self, request, pk: int) -> ExportJob:
        job = get_object_or_404(ExportJob, pk=pk)
        if not sees_every_export(request.user) and job.requested_by_id != request.user.pk:
            raise PermissionDenied
        return job

    def progress_view(self, request, pk: int):
        job = self._job(request, pk)
        running = job.status in {ExportStatus.QUEUED, ExportStatus.RUNNING}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Export in the background"),
            "job": job,
            "running": running,
            "refresh_seconds": REFRESH_SECONDS,
            "percent": round(100 * job.progress / job.total) if job.total else (100 if job.status == "done" else 0),
            "download_url": reverse("admin:jobs_exportjob_download", args=[job.pk])
            if job.status == ExportStatus.DONE
            else None,
        }
        return TemplateResponse(request, "admin/jobs/export_progress.html", context)

    def download_view(self, request, pk: int):
        job = self._job(request, pk)
        if job.status != ExportStatus.DONE or not job.file:
            messages.warning(request, gettext("The file is not ready, or has expired."))
            return HttpResponseRedirect(reverse("admin:jobs_exportjob_progress", args=[job.pk]))
        response = FileResponse(exports_storage().open(job.file, "rb"), content_type=CONTENT_TYPES[job.file_format])
        response["Content-Disposition"] = attachment_header(
            title=job.title or job.resource, resource=job.resource, file_format=job.file_format
        )
        return response


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["slot", "name", "enqueued_at", "task_id"]
    list_filter = ["name"]
    date_hierarchy = "slot"
