"""The rows of the job queue that are ours (the queue itself is django_tasks_db's `DBTaskResult`): one
row per periodic job and slot, so a slot is enqueued once however many schedulers run, and the long
exports with their progress."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChangeSource


class PeriodicRun(models.Model):
    """One slot of a periodic job (REGISTRY_PERIODIC_JOBS), taken by the first scheduler to insert it."""

    name = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["-slot", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "slot"],
                name="periodic_run_once_per_slot",
                violation_error_message=_("This slot of the job is enqueued already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {timezone.localtime(self.slot):%Y-%m-%d %H:%M:%S}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportJob(models.Model):
    """A long export (`POST exports/`, the admin's "后台导出"): a list with its filters, written to a file by
    a worker as the requester would read it (jurisdiction, masking), kept REGISTRY_EXPORT_KEEP_DAYS days."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("requested by")
    )
    resource = models.CharField(_("list"), max_length=100)
    title = models.CharField(_("list name"), max_length=200, blank=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    # Asked from the admin: the change list ("registry.organization") whose filters `params` holds.
    admin_list = models.CharField(_("admin list"), max_length=100, blank=True)
    file_format = models.CharField(_("format"), max_length=10, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=20, default="zh-hans")
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.CharField(_("file"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.API)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    export_log = models.ForeignKey(
        "core.ExportLog", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("export log entry")
    )
    created = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)
    finished = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("long export")
        verbose_name_plural = _("long exports")
        ordering = ["-created", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(file_format__in=["csv", "xlsx"]),
                name="export_job_format_known",
                violation_error_message=_("The format is csv or xlsx."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.title or self.resource}.{self.file_format} ({self.get_status_display()})"

    @property
    def keep_until(self) -> datetime.datetime:
        return self.created + datetime.timedelta(days=settings.REGISTRY_EXPORT_KEEP_DAYS)
