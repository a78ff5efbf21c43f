"""The outbox: one event per change of a record of a feed resource, written by the history machinery in
the change's own transaction, so every door (admin, API, bulk, imports, services, jobs) writes it.

Core knows no domain: a higher app (integration) registers the models whose changes are events, with
the name of their resource and their status fields (`register`). The event keeps what the readers
need without reading the change again: the action, the record's district before and after the change
(a district reader gets a tombstone when its record leaves), the ETag, and the record as its GET answers
in the change's transaction, rendered by the function the higher app registers (JSON text for a reader who
sees the record's personal data, and the fields every other reader sees masked). Why the transaction id:
docs/decisions/0260-gapless-feed.md; why the rendering is stored: docs/decisions/0390-feed-renderings-stored.md.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from core.access import jurisdiction_of


class EventAction(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Changed")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REMOVED = "removed", _("Removed")


# The reader-only action: the record left the reader's jurisdiction (never stored).
LEFT_JURISDICTION = "left_jurisdiction"


# A model's renderer: the ids of records just written -> {id: (JSON text for a reader who sees the record's
# personal data, JSON object of the fields every other reader sees masked or "")}; an id left out stores nothing.
Renderer = Callable[[list[int]], dict[int, tuple[str, str]]]


@dataclasses.dataclass(frozen=True)
class FeedModel:
    resource: str
    status_fields: frozenset[str]
    render: Renderer | None = None


_registered: dict[type, FeedModel] = {}
# The events written without their renderings inside `renderings_deferred` (None outside it).
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("outbox_deferred", default=None)


def register(model: type, *, resource: str, status_fields=(), render: Renderer | None = None) -> None:
    """Make every change of `model` an event of `resource`; a change of one of `status_fields` is a
    `status_changed` event; `render` gives the records' renderings stored with their events. Called by
    the integration app when it is ready."""
    _registered[model] = FeedModel(resource=resource, status_fields=frozenset(status_fields), render=render)


def unregister_all() -> None:
    _registered.clear()


def registered() -> dict[type, FeedModel]:
    return dict(_registered)


def record_etag(instance) -> str:
    """The ETag of a record as the API sends it (core.api.views.etag_for): its key and `last_updated`."""
    stamp = getattr(instance, "last_updated", None)
    raw = f"{instance._meta.label}:{instance.pk}:{stamp.isoformat() if stamp else ''}"
    return f'"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'


def _district_before(instance, changes: dict, district_after: str) -> str:
    """The record's district before the change: the record with its changed links set back. Jurisdiction
    follows the links (a registering authority, a township, a division, an organization), so a change
    of no link leaves it where it is."""
    model = type(instance)
    links = {}
    for name, (old, _new) in changes.items():
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # the reverse relation name record_link_changes writes
            continue
        if field.concrete and field.is_relation and (field.many_to_one or field.one_to_one):
            links[field.attname] = old
    if not links:
        return district_after
    values = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    values.update(links)
    earlier = model(**values)
    earlier._state.adding = False
    return jurisdiction_of(earlier) or ""


def _action_of(change_action: str, changes: dict, spec: FeedModel) -> str:
    if change_action == "create":
        return EventAction.CREATED
    if change_action == "delete":
        return EventAction.REMOVED
    if spec.status_fields & changes.keys():
        return EventAction.STATUS_CHANGED
    return EventAction.UPDATED


def write_events(entries) -> None:
    """Write the events of history entries (instance, change action, changes) of registered models;
    a record that leaves a district takes the registered records that hang on it (its ratings, list
    entries, reports) with it, and each of those gets an event too."""
    from core.models import OutboxEvent  # core.models imports this module

    if not _registered:
        return
    from django.contrib.contenttypes.models import ContentType

    events = []
    for instance, change_action, changes in entries:
        spec = _registered.get(type(instance))
        if spec is None:
            continue
        after = "" if change_action == "delete" else (jurisdiction_of(instance) or "")
        before = after
        if change_action == "delete":
            before = jurisdiction_of(instance) or ""
        elif change_action == "update":
            before = _district_before(instance, changes, after)
        action = _action_of(change_action, changes, spec)
        events.append(
            OutboxEvent(
                resource=spec.resource,
                content_type=ContentType.objects.get_for_model(type(instance)),
                object_id=instance.pk,
                action=action,
                district_before="" if change_action == "create" else before,
                district_after=after,
                etag="" if change_action == "delete" else record_etag(instance),
            )
        )
        if change_action == "update" and before != after:
            events.extend(_dependants_moved(instance, before))
    if not events:
        return
    deferred = _deferred.get()
    if deferred is None:
        _store_renderings(events)
    OutboxEvent.objects.bulk_create(events)
    if deferred is not None:
        deferred.extend(events)


@contextlib.contextmanager
def renderings_deferred():
    """Inside a transaction, a batch of writes (bulk sync, an import, a queryset update) renders its
    events' records together when it ends, in one query set per model, instead of once per row (the
    rendering's fixed cost is several times a row's: bench/README.md). Each event still gets the record
    as its GET answers inside the change's transaction, at the end of the batch rather than just after
    its own row. An event a savepoint rolled back meanwhile is not found by the update: harmless. On an
    exception nothing is rendered (the transaction is on its way back)."""
    if _deferred.get() is not None or not connection.in_atomic_block:
        yield  # an outer batch renders; outside a transaction each write renders its own (autocommit)
        return
    from core.models import OutboxEvent

    pending: list = []
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    if pending and not connection.get_rollback():
        _store_renderings(pending)
        OutboxEvent.objects.bulk_update(pending, ["data", "masked_fields"], batch_size=500)


def _store_renderings(events: list) -> None:
    """Set each event's renderings (not a removal's): one call of its model's renderer per model, so a
    write of many records reads them back in one query set per model."""
    wanted: dict[type, list] = {}
    for event in events:
        if event.action != EventAction.REMOVED:
            wanted.setdefault(event.content_type.model_class(), []).append(event)
    for model, found in wanted.items():
        render = _registered[model].render
        if render is None:
            continue
        renderings = render(list(dict.fromkeys(event.object_id for event in found)))
        for event in found:
            if event.object_id in renderings:
                event.data, event.masked_fields = renderings[event.object_id]


def _dependants_moved(instance, before: str) -> list:
    """Events for the registered records linked to `instance` whose district moved with it."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import OutboxEvent

    found = []
    for model, spec in _registered.items():
        for field in model._meta.concrete_fields:
            if not (field.many_to_one and field.related_model is type(instance)):
                continue
            for row in model._base_manager.filter(**{field.attname: instance.pk}):
                after = jurisdiction_of(row) or ""
                if after == before:
                    continue
                found.append(
                    OutboxEvent(
                        resource=spec.resource,
                        content_type=ContentType.objects.get_for_model(model),
                        object_id=row.pk,
                        action=EventAction.UPDATED,
                        district_before=before,
                        district_after=after,
                        etag=record_etag(row),
                    )
                )
    return found
