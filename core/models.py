"""What every app shares: the history-keeping base model, the change history, the export log, tokens."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import check_write, is_restricted_writer
from core.choices import ChangeAction, ChangeSource
from core.context import current_context


class HistoryModel(models.Model):
    """Base of every domain model: timestamps, change history and jurisdiction on every save.

    `save()` and `delete()` check the acting user's jurisdiction against the record as stored and
    as it will be stored, and write a `ChangeRecord` with the fields that changed, in the same
    transaction. Paths that bypass `save()` (bulk_create in `seed_demo`) write their own record.
    """

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)

    history_exclude_fields: tuple[str, ...] = ("created", "last_updated")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._history_loaded = instance.history_snapshot()
        return instance

    def history_snapshot(self) -> dict:
        """The stored form of each tracked field (foreign keys by their key), as the history shows it."""
        snapshot = {}
        for field in self._meta.concrete_fields:
            if field.name in self.history_exclude_fields or field.attname not in self.__dict__:
                continue
            snapshot[field.attname] = self.__dict__[field.attname]
        return snapshot

    def jurisdiction_district(self) -> str | None:
        """The district code this record belongs to; None means the city bureau's (clerks only)."""
        return None

    def _stored_version(self):
        if self._state.adding or self.pk is None:
            return None
        return type(self)._base_manager.filter(pk=self.pk).first()

    def save(self, *args, **kwargs):
        context = current_context()
        actor = context.resolved_actor()
        with transaction.atomic(using=kwargs.get("using")):
            adding = self._state.adding
            before = {} if adding else getattr(self, "_history_loaded", None)
            stored = None
            if not adding and (before is None or is_restricted_writer(actor)):
                stored = self._stored_version()
            check_write(actor, before=stored, after=self)
            if before is None:
                before = stored.history_snapshot() if stored is not None else {}
            super().save(*args, **kwargs)
            after = self.history_snapshot()
            changes = {
                name: [before.get(name), value]
                for name, value in after.items()
                if adding or name not in before or before[name] != value
            }
            if adding or changes:
                ChangeRecord.record(
                    instance=self,
                    action=ChangeAction.CREATE if adding else ChangeAction.UPDATE,
                    changes=changes,
                    context=context,
                    actor=actor,
                )
            self._history_loaded = after

    def delete(self, *args, **kwargs):
        # Deletes through querysets are caught by the pre/post_delete receivers in core.signals.
        return super().delete(*args, **kwargs)


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


class ChangeRecord(models.Model):
    """One change of one record: who, when, through which door, which fields from what to what."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.BigIntegerField(_("record id"), db_index=True)
    object_repr = models.CharField(_("record"), max_length=300)
    action = models.CharField(_("action"), max_length=10, choices=ChangeAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_changes",
        verbose_name=_("user"),
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    request_id = models.CharField(_("request id"), max_length=128, blank=True, db_index=True)
    changes = models.JSONField(_("changed fields"), encoder=DjangoJSONEncoder, default=dict)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"])]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    @classmethod
    def record(cls, *, instance, action: str, changes: dict, context=None, actor=None) -> "ChangeRecord":
        context = context or current_context()
        actor = actor if actor is not None else context.resolved_actor()
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=instance.pk,
            object_repr=str(instance)[:300],
            action=action,
            actor=actor,
            actor_name=actor.get_username() if actor is not None else "",
            source=context.source,
            request_id=context.request_id,
            changes={name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()},
            message=context.message,
        )


class ExportLog(models.Model):
    """One export of a list: who, which list, which filters, how many rows."""

    time = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("user")
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    resource = models.CharField(_("list"), max_length=100)
    file_format = models.CharField(_("format"), max_length=10)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices, default=ChangeSource.API)
    request_id = models.CharField(_("request id"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("export log entry")
        verbose_name_plural = _("export log")
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user_name} {self.resource}.{self.file_format}"


class AccessProfile(models.Model):
    """What binds an account to a district (district systems); roles themselves are groups."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_profile", verbose_name=_("user")
    )
    district_code = models.CharField(_("district code"), max_length=6, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access profile")
        verbose_name_plural = _("access profiles")

    def __str__(self) -> str:
        return f"{self.user} {self.district_code}".strip()


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """An API key, stored only as its SHA-256 digest (see docs/decisions/0003-token-hashing.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("API client")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def issue(cls, *, user, name: str = "", read_only: bool = False, lifetime_days: int | None = None):
        """Create a token; returns (token, key). The key is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        days = lifetime_days if lifetime_days is not None else settings.REGISTRY_TOKEN_LIFETIME_DAYS
        token = cls.objects.create(
            user=user,
            name=name,
            prefix=key[:8],
            key_hash=hash_token_key(key),
            expires_at=timezone.now() + datetime.timedelta(days=days),
            read_only=read_only,
        )
        return token, key
