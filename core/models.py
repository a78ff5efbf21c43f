"""What every app shares: the history-keeping base model, the change history, the export log, tokens.

Why our own records rather than a history package: docs/decisions/0001-change-history.md.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.access import check_write, is_restricted_writer
from core.choices import ChangeAction, ChangeSource, Role
from core.context import ChangeContext, current_context
from core.roles import group_names_of
from core.validators import bounded_field_errors

# Rows read and written per statement when a queryset update or bulk_create records its history.
HISTORY_BATCH = 500


def _chunks(items: list, size: int = HISTORY_BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class HistoryQuerySet(models.QuerySet):
    """The queryset of every history-keeping model: the paths that bypass `save()` record too.

    `update()` (and so `bulk_update()`) and `bulk_create()` check the acting user's jurisdiction on
    every row, before and after, and write one `ChangeRecord` per row, in the same transaction;
    `update()` also moves `last_updated`, so ETags and `last_updated_from` see the change. Deletes
    are recorded by the delete signals (core.signals). `Model._base_manager` stays a plain manager:
    it is the deliberate way around all this (the If-Match compare-and-set, a token's `last_used`).
    """

    def bulk_create(self, objs, *args, **kwargs):
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise TypeError(
                f"{self.model.__name__}.objects.bulk_create(ignore_conflicts/update_conflicts) cannot record the "
                "change history (the database does not say which rows it wrote); save the rows one by one."
            )
        objs = list(objs)
        context = current_context()
        actor = context.resolved_actor()
        with transaction.atomic(using=self.db):
            for obj in objs:
                check_write(actor, before=None, after=obj)
            created = super().bulk_create(objs, *args, **kwargs)
            if any(obj.pk is None for obj in objs):
                raise TypeError("bulk_create on this database does not return keys; the history needs them.")
            ChangeRecord.record_many(
                [
                    (obj, ChangeAction.CREATE, {name: [None, value] for name, value in obj.history_snapshot().items()})
                    for obj in objs
                ],
                context=context,
                actor=actor,
            )
            for obj in objs:
                obj._state.adding = False
                record_link_changes(obj, None, context=context, actor=actor)
        return created

    def update(self, **kwargs):
        if "last_updated" not in kwargs and any(f.name == "last_updated" for f in self.model._meta.concrete_fields):
            kwargs["last_updated"] = timezone.now()
        context = current_context()
        actor = context.resolved_actor()
        base = self.model._base_manager.using(self.db)
        rows = 0
        with transaction.atomic(using=self.db):
            keys = list(self.values_list("pk", flat=True))
            for chunk in _chunks(keys):
                before = {obj.pk: obj for obj in base.filter(pk__in=chunk).select_for_update()}
                rows += base.filter(pk__in=chunk).update(**kwargs)
                entries = []
                updated = list(base.filter(pk__in=chunk))
                for obj in updated:
                    stored = before[obj.pk]
                    check_write(actor, before=stored, after=obj)
                    changes = diff_snapshots(stored.history_snapshot(), obj.history_snapshot())
                    if changes:
                        entries.append((obj, ChangeAction.UPDATE, changes))
                ChangeRecord.record_many(entries, context=context, actor=actor)
                for obj in updated:
                    record_link_changes(obj, before[obj.pk].loaded_values(), context=context, actor=actor)
        return rows

    update.alters_data = True
    bulk_create.alters_data = True


class HistoryManager(models.Manager.from_queryset(HistoryQuerySet)):
    """Default manager of every history-keeping model (custom managers must extend it: core.checks)."""


def record_link_changes(instance, before: dict | None, *, context=None, actor=None, deleted: bool = False) -> None:
    """Write a change of a guarded or recorded link (HistoryModel.guarded_links, recorded_links) to
    the history of the record it leaves and of the record it reaches, under the name of the reverse
    relation: `{"honours": [None, 12]}` when honour 12 comes to name the record, `[12, None]` when it
    stops. `before` holds the column values as stored (None on create); `deleted`: the record is gone.
    """
    model = type(instance)
    names = (*getattr(model, "guarded_links", ()), *getattr(model, "recorded_links", ()))
    entries = []
    for name in names:
        field = instance._meta.get_field(name)
        if before is not None and field.attname not in before:  # not read (deferred): not changed here
            continue
        old = None if before is None else before[field.attname]
        new = None if deleted else getattr(instance, field.attname)
        if old == new or not issubclass(field.related_model, HistoryModel):
            continue
        relation = field.remote_field.get_accessor_name()
        for key, change in ((old, [instance.pk, None]), (new, [None, instance.pk])):
            if key is None:
                continue
            target = getattr(instance, name) if key == new else field.related_model._base_manager.filter(pk=key).first()
            if target is not None:
                entries.append((target, ChangeAction.UPDATE, {relation: change}))
    ChangeRecord.record_many(entries, context=context, actor=actor)


def diff_snapshots(before: dict, after: dict) -> dict:
    """{field: [old, new]} for each field whose value differs."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


class HistoryModel(models.Model):
    """Base of every domain model: timestamps, change history and jurisdiction on every save.

    `save()` checks the acting user's jurisdiction against the record as stored (re-read and locked
    inside the write's transaction for a district system) and as it will be stored
    (core.access.check_write), saves, and writes a `ChangeRecord` with the fields that changed from
    the values the record had when it was read (`_history_loaded`, set by `from_db` and by every save;
    re-read when absent). Deletes, queryset updates and bulk_create are checked and recorded too
    (HistoryQuerySet, core.signals).
    """

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True, db_index=True)

    # Fields the history leaves out (timestamps: every change moves them; secrets: never shown).
    history_exclude_fields: tuple[str, ...] = ("created", "last_updated")

    # Links (foreign-key names) that oblige or block the linked record's owner: a district system
    # makes or undoes one only to records of its own district (core.access.check_links), and each
    # change of one is written to the linked record's history too, as are the `recorded_links`
    # (links across districts that are legitimate): docs/decisions/0100-links-across-districts.md.
    guarded_links: tuple[str, ...] = ()
    recorded_links: tuple[str, ...] = ()

    objects = HistoryManager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._history_loaded = instance.loaded_values()
        return instance

    def clean_fields(self, exclude=None):
        """Django's field checks, and the bounds of dates and free texts the API states (`planned_date_fields`
        and `text_limits` widen them for a model: core.validators.bounded_field_errors)."""
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name, messages in bounded_field_errors(self, set(exclude or ()) | set(errors)).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        context = current_context()
        actor = context.resolved_actor()
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=using):
            creating = self._state.adding or self.pk is None
            before = None if creating else getattr(self, "_history_loaded", None)
            stored = None
            if not creating and (before is None or is_restricted_writer(actor)):
                # A district's write is checked against the row as stored, re-read and locked here.
                stored = self._stored_version(using)
                creating = stored is None
                before = None if creating else stored.loaded_values()
            check_write(actor, before=stored, after=self)
            if not creating and not self._changes_columns(before, update_fields):
                # A write that changes nothing stores nothing: `last_updated` and the ETag stay put.
                self._save_wrote = False
                return
            super().save(*args, **kwargs)
            self._save_wrote = True
            after = self.history_snapshot()
            self._history_loaded = self.loaded_values()
            if creating:
                ChangeRecord.record(
                    instance=self,
                    action=ChangeAction.CREATE,
                    changes={name: [None, value] for name, value in after.items()},
                    context=context,
                    actor=actor,
                )
                record_link_changes(self, None, context=context, actor=actor)
                return
            if update_fields is not None:
                saved = {self._meta.get_field(name).name for name in update_fields}
                after = {name: value for name, value in after.items() if name in saved}
            changes = diff_snapshots(self.history_snapshot(before), after)
            if changes:
                ChangeRecord.record(
                    instance=self, action=ChangeAction.UPDATE, changes=changes, context=context, actor=actor
                )
            if update_fields is not None:  # a link left out of the save did not change
                unsaved = {field.attname for field in self._meta.concrete_fields if field.name not in saved}
                before = {**before, **{name: value for name, value in self._history_loaded.items() if name in unsaved}}
            record_link_changes(self, before, context=context, actor=actor)

    save.alters_data = True

    def _changes_columns(self, before: dict, update_fields) -> bool:
        """Whether saving would store a value other than `before` (column values by attname, as read)
        in any column but the automatic timestamps; a save naming a timestamp in `update_fields` is a
        deliberate touch and always stores."""
        automatic = {
            field.name
            for field in self._meta.concrete_fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        }
        names = None
        if update_fields is not None:
            names = {self._meta.get_field(name).name for name in update_fields}
            if names & automatic:
                return True
        for field in self._meta.concrete_fields:
            if field.name in automatic or (names is not None and field.name not in names):
                continue
            if isinstance(field, models.AutoField):
                continue
            if field.attname not in self.__dict__:
                continue  # deferred and never assigned: a save would not change it
            if field.attname not in before:
                return True
            if _comparable(field, self.__dict__[field.attname]) != _comparable(field, before[field.attname]):
                return True
        return False

    def history_snapshot(self, values: dict | None = None) -> dict:
        """Each tracked field's value by field name (foreign keys by their key), as the history shows it:
        of the record as it is in memory, or of `values` (column values by attname, as loaded)."""
        values = self.__dict__ if values is None else values
        snapshot = {}
        for field in self._meta.concrete_fields:
            if field.name in self.history_exclude_fields or field.attname not in values:
                continue
            if isinstance(field, models.AutoField):  # the record's own id: the history names it already
                continue
            snapshot[field.name] = _comparable(field, values[field.attname])
        return snapshot

    def loaded_values(self) -> dict:
        """Column values by attname (`platform_id`), as kept in `_history_loaded` when the record was
        read or last saved: what the history and a model's own `save()` compare with."""
        return {
            field.attname: self.__dict__[field.attname]
            for field in self._meta.concrete_fields
            if field.attname in self.__dict__
        }

    def jurisdiction_district(self) -> str | None:
        """The district code this record belongs to; None means the city bureau's (clerks only)."""
        return None

    def _stored_version(self, using: str):
        if self._state.adding or self.pk is None:
            return None
        found = list(type(self)._base_manager.using(using).filter(pk=self.pk).select_for_update())
        return found[0] if found else None


def _comparable(field, value):
    """A field's value as stored: a date assigned as "2024-03-01" is the same value as the stored date."""
    if value is not None and not field.is_relation:
        try:
            return field.to_python(value)
        except ValidationError:
            pass
    return value


def _jsonable(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


# Sent after change records are written, inside the write's transaction, with `entries` as
# (instance, action, {field: [old, new]}): the one path every change of every door passes (saves,
# queryset updates, bulk creates, deletes). A higher app derives its own records from it (registry's
# registration events) without core knowing of them.
history_recorded = Signal()


class ChangeRecord(models.Model):
    """One change of one record: who, when, through which door, which fields from what to what.

    Written only by the history machinery and never changed afterwards.
    """

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
    actor_name = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=ChangeSource.choices)
    request_id = models.CharField(_("request id"), max_length=128, blank=True, db_index=True)
    changes = models.JSONField(_("changed fields"), encoder=DjangoJSONEncoder, default=dict)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change history")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-time"], name="change_object_time_idx")]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.time):%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A change record is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A change record is never deleted.")

    @classmethod
    def _build(cls, *, instance, action: str, changes: dict, context: ChangeContext, actor) -> ChangeRecord:
        return cls(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=instance.pk,
            object_repr=str(instance)[:300],
            action=action,
            actor=actor,
            actor_name=(actor.get_username() if actor is not None else context.actor_label)[:150],
            source=context.source,
            request_id=context.request_id,
            changes={name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changes.items()},
            message=context.message,
        )

    @classmethod
    def record(cls, *, instance, action: str, changes: dict, context=None, actor=None) -> ChangeRecord:
        """Write the record of one change (the acting user and door come from the change context)."""
        context = context or current_context()
        actor = actor if actor is not None else context.resolved_actor()
        record = cls._build(instance=instance, action=action, changes=changes, context=context, actor=actor)
        record.save()
        outbox.write_events([(instance, action, changes)])
        history_recorded.send(sender=cls, entries=[(instance, action, changes)], context=context, actor=actor)
        return record

    @classmethod
    def record_many(cls, entries: list[tuple], *, context=None, actor=None) -> list[ChangeRecord]:
        """Write the records of many changes at once: `entries` are (instance, action, changes)."""
        if not entries:
            return []
        context = context or current_context()
        actor = actor if actor is not None else context.resolved_actor()
        records = [
            cls._build(instance=instance, action=action, changes=changes, context=context, actor=actor)
            for instance, action, changes in entries
        ]
        written = cls.objects.bulk_create(records, batch_size=HISTORY_BATCH)
        outbox.write_events(entries)
        history_recorded.send(sender=cls, entries=entries, context=context, actor=actor)
        return written


class CurrentTransactionId(models.Func):
    """The writing transaction's id on PostgreSQL (a 64-bit xid8, as a bigint); 0 elsewhere (SQLite
    serialises its writers, so there the event's id alone is commit order)."""

    output_field = models.BigIntegerField()
    template = "0"

    def __init__(self):
        super().__init__()

    def as_postgresql(self, compiler, connection, **extra_context):
        return "(pg_current_xact_id()::text::bigint)", []


class OutboxEvent(models.Model):
    """One change of a record of a feed resource, written in the same transaction as the change by the
    history machinery (`ChangeRecord.record`/`record_many`, so by every door): the change feed and the
    webhooks read it (integration app). Knows nothing of domains: the resource and status fields come
    from the models registered with `core.outbox.register`. Why (xid, id): docs/decisions/0260-gapless-feed.md.
    """

    xid = models.BigIntegerField(_("transaction"), db_default=CurrentTransactionId(), editable=False)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    resource = models.CharField(_("resource"), max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("record type"))
    object_id = models.BigIntegerField(_("record id"))
    action = models.CharField(_("action"), max_length=20, choices=outbox.EventAction.choices)
    district_before = models.CharField(_("district before"), max_length=6, blank=True)
    district_after = models.CharField(_("district after"), max_length=6, blank=True)
    etag = models.CharField(_("ETag"), max_length=40, blank=True)
    # The record as its GET answered in the change's transaction, JSON text served as is to a reader who
    # sees its personal data; `masked_fields`, a JSON object of the fields every other reader sees masked
    # ("" when none). `data` null: nothing stored (a removal, or an event older than stored renderings).
    # docs/decisions/0390-feed-renderings-stored.md.
    data = models.TextField(_("record"), null=True, blank=True, editable=False)
    masked_fields = models.TextField(_("masked fields"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [models.Index(fields=["xid", "id"], name="outbox_cursor_idx")]

    def __str__(self) -> str:
        return f"{self.resource} {self.object_id} {self.action}"


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


def current_district_codes() -> set[str]:
    """Codes of the districts in force (historical codes such as 330204 excluded). The divisions are
    registry's, a higher app: it names its function in the REGISTRY_CURRENT_DISTRICT_CODES setting."""
    return set(import_string(settings.REGISTRY_CURRENT_DISTRICT_CODES)())


def current_township_codes() -> set[str]:
    """Codes of the townships, streets and zones in force (settings.REGISTRY_CURRENT_TOWNSHIP_CODES)."""
    return set(import_string(settings.REGISTRY_CURRENT_TOWNSHIP_CODES)())


def validate_current_township(code: str) -> None:
    if code and code not in current_township_codes():
        raise ValidationError(
            _("%(code)s is not the code of a current township, street or zone of Ningbo."), params={"code": code}
        )


def validate_current_district(code: str) -> None:
    if code and code not in current_district_codes():
        raise ValidationError(
            _("%(code)s is not the code of a current district or county of Ningbo."), params={"code": code}
        )


class AccessProfile(HistoryModel):
    """An API client account (or an admin user's binding) and, for district systems, the district it is
    bound to; for township filing desks, the township (roles are groups)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_profile", verbose_name=_("user")
    )
    district_code = models.CharField(
        _("district code"), max_length=6, blank=True, validators=[validate_current_district]
    )
    township_code = models.CharField(
        _("township code"),
        max_length=9,
        blank=True,
        validators=[validate_current_township],
        help_text=_("For a township filing desk: the 9-digit code of its township or street."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.user} {self.district_code or self.township_code}".strip()

    def clean(self):
        if not self.user_id:
            return
        is_district = self.user.groups.filter(name__in=group_names_of(Role.DISTRICT)).exists()
        if is_district and not self.district_code:
            raise ValidationError({"district_code": _("A district system must be bound to a district code.")})
        if not is_district and self.district_code:
            raise ValidationError({"district_code": _("Only district systems are bound to a district.")})
        is_township = self.user.groups.filter(name__in=group_names_of(Role.TOWNSHIP)).exists()
        if is_township and not self.township_code:
            raise ValidationError({"township_code": _("A township filing desk must be bound to a township code.")})
        if not is_township and self.township_code:
            raise ValidationError({"township_code": _("Only township filing desks are bound to a township.")})


def hash_token_key(key: str) -> str:
    """SHA-256 of the key: enough for a 256-bit random key (docs/decisions/0002-token-hashing.md)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


RATE_PATTERN = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def validate_rate(value: str) -> None:
    if value and not RATE_PATTERN.match(value):
        raise ValidationError(_("Write the rate as a number of requests per period, e.g. 20000/hour or 50/minute."))


class ApiToken(HistoryModel):
    """An API key, stored only as its SHA-256 digest; the key itself is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("API client")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        validators=[validate_rate],
        help_text=_("Requests per period for this token, e.g. 20000/hour; empty: the default of its role."),
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    history_exclude_fields = ("created", "last_updated", "last_used", "key_hash")

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
    def issue(
        cls,
        *,
        user,
        name: str = "",
        read_only: bool = False,
        lifetime_days: int | None = None,
        rate_limit: str = "",
    ) -> tuple[ApiToken, str]:
        """Create a token; returns (token, key). The key is shown once and never stored."""
        days = lifetime_days if lifetime_days is not None else settings.REGISTRY_TOKEN_LIFETIME_DAYS
        token = cls(
            user=user,
            name=name,
            expires_at=timezone.now() + datetime.timedelta(days=days),
            read_only=read_only,
            rate_limit=rate_limit,
        )
        key = token.assign_new_key()
        token.full_clean()
        token.save()
        return token, key

    def assign_new_key(self) -> str:
        """Give an unsaved token a fresh key: 256 random bits, URL-safe; only its digest is kept."""
        key = secrets.token_urlsafe(32)
        self.prefix = key[:8]
        self.key_hash = hash_token_key(key)
        return key

    def touch(self, now: datetime.datetime) -> None:
        """Note the time of use. Not a change of the record: plain manager, no history, no jurisdiction."""
        type(self)._base_manager.filter(pk=self.pk).update(last_used=now)
        self.last_used = now


class IdempotencyKey(models.Model):
    """A POST sent with `Idempotency-Key` (core.idempotency): the client's key, a digest of the request, and
    the first response, answered again to a repeat within REGISTRY_IDEMPOTENCY_HOURS hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("client"))
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("request digest"), max_length=64)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.BinaryField(_("response body"), default=bytes, blank=True)
    headers = models.JSONField(_("response headers"), default=dict, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="idempotency_key_once_per_client",
                violation_error_message=_("This client used this key already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
