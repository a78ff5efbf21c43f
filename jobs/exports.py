"""Long exports (DESIGN §12): `POST exports/` and the admin's "后台导出" ask; a worker writes the file.

An export is the list's own export (core.exports) run later: the same viewset is bound to a request of
the requester with the params as its query string, so the resource, the filters (a bad one is a 400
when asked, not a failed job later), the jurisdiction and the masking are exactly the requester's list
and `?format=csv|xlsx`. The file goes through the `exports` storage alias (local files by default, any
django-storages backend in production), its progress is saved every REGISTRY_EXPORT_PROGRESS_ROWS
rows, the export is logged in the export log when done, and the file is removed after
REGISTRY_EXPORT_KEEP_DAYS days (`manage.py prune_exports`, a periodic job).
"""

from __future__ import annotations

import datetime
import hashlib
import tempfile
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone, translation
from rest_framework import exceptions

from core.choices import ChangeSource
from core.context import change_context
from core.exports.resources import api_resource_named
from core.exports.tables import ExportTable
from core.exports.views import FORMATS, NOT_FILTERS, XLSX, export_filename, log_title
from core.exports.writers import csv_chunks, xlsx_chunks
from core.models import ExportLog
from jobs.models import ExportJob, ExportStatus
from jobs.queue import registry_task

STORAGE_ALIAS = "exports"


def exports_storage():
    return storages[STORAGE_ALIAS]


def query_string(params: dict) -> str:
    return urlencode({name: value for name, value in params.items()}, doseq=True)


def bound_list(*, user, resource: str, params: dict):
    """The viewset of list `resource` bound to a GET by `user` with `params` as its query string, its
    permissions checked; raises DRF's errors (400 naming an unknown resource or filter, 403) as the list
    would answer."""
    api_resource = api_resource_named(resource)
    if api_resource is None or not hasattr(api_resource.viewset_class, "export"):
        raise exceptions.ValidationError({"resource": [translation.gettext("No list of that name exports.")]})
    shaping = sorted(set(params) & NOT_FILTERS)
    if shaping:
        message = translation.gettext("Not a filter: an export has every row, in the format asked.")
        raise exceptions.ValidationError({"params": {name: [message] for name in shaping}})
    request = RequestFactory().get(f"/api/v1/{resource}/", data=None, QUERY_STRING=query_string(params))
    request.user = user
    viewset = api_resource.viewset_for(request)
    viewset.check_permissions(viewset.request)
    return viewset


def filtered_queryset(viewset):
    try:
        return viewset.filter_queryset(viewset.get_queryset())
    except exceptions.ValidationError as error:
        raise exceptions.ValidationError({"params": error.detail}) from None


def export_request(
    *, user, resource: str, params: dict, file_format: str, source: str = ChangeSource.API, request_id: str = ""
) -> ExportJob:
    """Check the export as the list would (400, 403), then queue it, in the caller's transaction."""
    if file_format not in FORMATS:
        raise exceptions.ValidationError({"format": [translation.gettext("csv or xlsx.")]})
    viewset = bound_list(user=user, resource=resource, params=params)
    queryset = filtered_queryset(viewset)
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=user,
            resource=resource,
            title=log_title(queryset.model._meta.verbose_name_plural),
            params=params,
            file_format=file_format,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            source=source,
            request_id=request_id,
        )
        job.task_id = str(export_run.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


@registry_task(max_attempts=3)
def export_run(export_id: int) -> int:
    """Write the file of a queued export (a worker runs this); answers the rows written."""
    job = ExportJob.objects.select_related("requested_by").get(pk=export_id)
    if job.status in {ExportStatus.DONE, ExportStatus.EXPIRED}:
        return job.progress
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=0, error="")
    user = job.requested_by
    try:
        with (
            translation.override(job.language),
            change_context(actor=user, source=job.source, request_id=job.request_id),
        ):
            written, name, digest = _write(job, user)
            log = ExportLog.record(
                resource=job.resource,
                file_format=job.file_format,
                filters=job.params,
                row_count=written,
                user=user,
                title=job.title,
                as_of=as_of_of(job.params),
                sha256=digest,
            )
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error=str(error)[:2000])
        raise
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=written,
        total=written,
        file=name,
        export_log=log,
        finished=now,
        expires=job.created + datetime.timedelta(days=settings.REGISTRY_EXPORT_KEEP_DAYS),
    )
    return written


def save_progress(export_id: int, written: int) -> None:
    ExportJob.objects.filter(pk=export_id).update(progress=written)


def admin_rows(*, user, admin_list: str, params: dict):
    """The admin's change list `admin_list` ("registry.organization") as filtered by `params` (its query
    string), as the API list's viewset for `user` reads it: (viewset, queryset). Raises
    IncorrectLookupParameters for filters the change list refuses, PermissionDenied without view permission."""
    from django.contrib import admin
    from django.contrib.admin.options import IncorrectLookupParameters
    from django.core.exceptions import PermissionDenied

    from core.exports.resources import api_resource_for

    try:
        model = apps.get_model(admin_list)
    except (LookupError, ValueError):
        raise IncorrectLookupParameters(admin_list) from None
    model_admin = admin.site._registry.get(model)
    resource = api_resource_for(model)
    if model_admin is None or resource is None:
        raise IncorrectLookupParameters(admin_list)
    request = RequestFactory().get("/admin/", QUERY_STRING=query_string(params))
    request.user = user
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    changelist = model_admin.get_changelist_instance(request)
    viewset = resource.viewset_for(request)
    return viewset, viewset.get_queryset().filter(pk__in=changelist.queryset.values("pk"))


def export_request_admin(*, request, admin_list: str, params: dict, file_format: str) -> ExportJob:
    """The admin's "后台导出" of a change list as filtered now: checked, then queued (as export_request)."""
    viewset, queryset = admin_rows(user=request.user, admin_list=admin_list, params=params)
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=request.user,
            resource=viewset.export_resource or api_resource_named_for(viewset),
            admin_list=admin_list,
            title=log_title(queryset.model._meta.verbose_name_plural),
            params=params,
            file_format=file_format,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            source=ChangeSource.ADMIN,
            request_id=getattr(request, "request_id", ""),
        )
        job.task_id = str(export_run.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def api_resource_named_for(viewset) -> str:
    from core.exports.resources import api_resource_for

    return api_resource_for(viewset.get_queryset().model).name


def as_of_of(params: dict) -> datetime.date | None:
    """The `as_of` day the export's filters name (validated at POST), for its manifest."""
    value = params.get("as_of")
    if isinstance(value, list):
        value = value[-1] if value else None
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _write(job: ExportJob, user) -> tuple[int, str, str]:
    """Write the file; answers the rows, the stored name and the SHA-256 of the bytes (its manifest)."""
    if job.admin_list:
        viewset, queryset = admin_rows(user=user, admin_list=job.admin_list, params=job.params)
    else:
        viewset = bound_list(user=user, resource=job.resource, params=job.params)
        queryset = filtered_queryset(viewset)
    table = ExportTable(viewset.get_serializer(), viewset.export_fields)
    ExportJob.objects.filter(pk=job.pk).update(total=queryset.count())
    chunk_size = viewset.export_chunk_size
    every = max(settings.REGISTRY_EXPORT_PROGRESS_ROWS, 1)
    written = 0

    def rows():
        nonlocal written
        for row in table.rows(table.prepare(queryset).iterator(chunk_size=chunk_size), chunk_size=chunk_size):
            yield row
            written += 1
            if written % every == 0:
                save_progress(job.pk, written)

    headers = table.headers()
    if job.file_format == XLSX:
        title = str(queryset.model._meta.verbose_name_plural)
        chunks = xlsx_chunks(headers, rows(), title=title, day=as_of_of(job.params))
    else:
        chunks = csv_chunks(headers, rows())
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as spool:
        for chunk in chunks:
            spool.write(chunk)
            digest.update(chunk)
        spool.seek(0)
        name = f"{job.pk}/{export_filename(job.resource, job.file_format)}"
        name = exports_storage().save(name, File(spool, name=name))
    return written, name, digest.hexdigest()


def export_download_name(job: ExportJob) -> str:
    with translation.override(job.language):
        return export_filename(job.title or job.resource, job.file_format)


def exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the files of exports past their time (REGISTRY_EXPORT_KEEP_DAYS) and mark them expired."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REGISTRY_EXPORT_KEEP_DAYS)
    storage = exports_storage()
    pruned = 0
    for job in ExportJob.objects.filter(created__lt=cutoff).exclude(status=ExportStatus.EXPIRED):
        if job.file and storage.exists(job.file):
            storage.delete(job.file)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.EXPIRED, file="")
        pruned += 1
    return pruned
