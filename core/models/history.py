"""The history-keeping base model every domain model extends, and the change history it writes: one
change record per change, by every door (saves, queryset updates, bulk creates, deletes), in the change's
own transaction.

Why our own records rather than a history package: docs/decisions/0001-change-history.md."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, router, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import outbox
from core.access import check_write, is_restricted_writer
from core.choices import ChangeAction, ChangeSource
from core.context import ChangeContext, current_context
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
        indexes = [
            models.Index(fields=["content_type", "object_id", "-time"], name="change_object_time_idx"),
            # The statistics' filings active on a past day read the few changes of the flag after it
            # (reports: active_flags_on), not every change since (bench/README.md, scale work of 2026-12-03).
            models.Index(
                fields=["content_type", "time"], condition=Q(changes__has_key="active"), name="change_active_flag_idx"
            ),
        ]

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
