"""The export log: every export of a list and its manifest."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChangeSource
from core.context import current_context


class ExportLog(models.Model):
    """One export of a list, and its manifest: who, which list, which filters and `as_of`, how many
    rows, and the SHA-256 of the bytes sent (set when the file has been sent to its end; empty when
    the download broke off). `ExportLog.record` is the one way to log an export."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    resource = models.CharField(_("list"), max_length=100)
    # The list as the bureau names it (社会组织), in Chinese whatever the reader's language.
    title = models.CharField(_("list name"), max_length=200, blank=True)
    file_format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.API)
    request_id = models.CharField(_("request id"), max_length=128, blank=True, db_index=True)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        when = timezone.localtime(self.time)
        return f"{when:%Y-%m-%d %H:%M} {self.user_name} {self.title or self.resource}.{self.file_format}"

    @classmethod
    def record(
        cls,
        *,
        resource: str,
        file_format: str,
        filters: dict,
        row_count: int,
        user=None,
        title: str = "",
        as_of: datetime.date | None = None,
        sha256: str = "",
        source: str | None = None,
        request_id: str | None = None,
    ) -> ExportLog:
        """Log one export; the user, door and request id default to those of the current change context."""
        context = current_context()
        user = user if user is not None else context.resolved_actor()
        if user is not None and not getattr(user, "is_authenticated", False):
            user = None
        return cls.objects.create(
            user=user,
            user_name=(user.get_username() if user is not None else context.actor_label)[:150],
            resource=resource,
            title=title,
            file_format=file_format,
            filters=filters,
            as_of=as_of,
            row_count=row_count,
            sha256=sha256,
            source=source or context.source,
            request_id=context.request_id if request_id is None else request_id,
        )

    def sent(self, *, row_count: int, sha256: str) -> None:
        """The file has been sent to its end: its rows and the SHA-256 of its bytes."""
        type(self).objects.filter(pk=self.pk).update(row_count=row_count, sha256=sha256)
        self.row_count, self.sha256 = row_count, sha256
