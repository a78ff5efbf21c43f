"""The change history of the demo data, so a list read `as_of` a past day (DESIGN §12) shows the register
of that day: each organization, filing, rating and credit-list entry created on its own date (its
registration, filing, conclusion or listing), its ending (deregistration, revocation, cancellation,
removal) recorded on the day it happened, and some organizations renamed along the way. The rows as
loaded are the records as they are now; the history leads up to them (docs/decisions/0302-demo-history.md).

Written in bulk like the rest of the demo data (COPY on PostgreSQL), from the rows just loaded, with a
random source of its own: the other parts' data is the same with or without it.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord
from ratings.models import Evaluation
from registry.choices import FilingStatus, OrgStatus, OrgType
from registry.models import CommunityOrganization, CreditListEntry, Organization
from reports.demo import names, plan
from reports.demo.base import DemoContext

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
# One organization in RENAME_EVERY that had been registered a year was renamed since.
RENAME_EVERY = 25
FIRST_RENAME = datetime.date(2019, 1, 1)
HISTORY_COLUMNS = [
    "time", "content_type", "object_id", "object_repr", "action", "actor_name", "source", "request_id", "changes",
    "message",
]  # fmt: skip
RENAME_SUFFIXES = {
    OrgType.SOCIAL_GROUP: names.GROUP_SUFFIXES,
    OrgType.SOCIAL_SERVICE: names.SERVICE_SUFFIXES,
    OrgType.FOUNDATION: names.FOUNDATION_SUFFIXES,
}


@dataclass(frozen=True)
class Lifecycle:
    """How a model's rows came to be: created on `created_on`; on `ended_on` (when set) the `ending`
    fields changed from the values given here to those of the row."""

    model: type[models.Model]
    created_on: str
    ended_on: str
    ending: dict = field(default_factory=dict)
    identity: tuple[str, ...] = ()


LIFECYCLES = [
    Lifecycle(
        Organization,
        "registered_on",
        "status_date",
        {"status": OrgStatus.ACTIVE.value, "status_date": None, "status_reason": ""},
        ("uscc", "name", "registered_by"),
    ),
    Lifecycle(
        CommunityOrganization,
        "filed_on",
        "status_date",
        {"status": FilingStatus.FILED.value, "status_date": None, "status_reason": ""},
        ("filing_number", "name", "township"),
    ),
    Lifecycle(
        Evaluation,
        "concluded_on",
        "revoked_on",
        {"revoked_on": None, "revocation_ground": "", "revocation_reason": ""},
        ("organization", "grade", "concluded_on"),
    ),
    Lifecycle(
        CreditListEntry,
        "listed_on",
        "removed_on",
        {"removed_on": None, "removal_reason": ""},
        ("organization", "list_kind", "listed_on"),
    ),
]


def noon(day: datetime.date, now: datetime.datetime) -> datetime.datetime:
    """The change's time: noon in Beijing on its day (never later than now)."""
    return min(datetime.datetime.combine(day, datetime.time(12), tzinfo=BEIJING), now)


def _jsonable(value):
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


def _renamed(name: str, org_type: str, rng) -> str | None:
    """The name an organization had before a rename: its kind's suffix swapped for another (…协会 was …促进会)."""
    suffixes = RENAME_SUFFIXES.get(org_type, ())
    for suffix in sorted(suffixes, key=len, reverse=True):
        if name.endswith(suffix):
            others = [other for other in suffixes if other != suffix]
            return name[: -len(suffix)] + rng.choice(others) if others else None
    return None


def _history_of(lifecycle: Lifecycle, context: DemoContext, now: datetime.datetime) -> Iterator[tuple]:
    model = lifecycle.model
    rng = context.rng(f"history:{model._meta.model_name}")
    content_type = ContentType.objects.get_for_model(model).pk
    change = current_context()
    # Only what the history names: the record's identity, its dates, what its ending changes, its name.
    needed = {*lifecycle.identity, lifecycle.created_on, lifecycle.ended_on, *lifecycle.ending}
    if model is Organization:
        needed |= {"name", "org_type"}
    tracked = [f for f in model._meta.concrete_fields if f.name in needed]
    attnames = [f.attname for f in tracked]
    time_field = ChangeRecord._meta.get_field("time")
    # The demo's dates lie up to plan.LAST_DEMO_DATE whatever today is (docs/decisions/0063): so do its changes.
    today = min(timezone.localdate(), plan.LAST_DEMO_DATE)
    rows = model._base_manager.filter(is_demo=True) if hasattr(model, "is_demo") else model._base_manager.all()
    rows = rows.order_by("pk").values_list("pk", *attnames)

    stamps: dict[datetime.date, object] = {}

    def record(day, object_id, name, action, changes):
        data = {key: [_jsonable(old), _jsonable(new)] for key, (old, new) in changes.items()}
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
        stamp = stamps.get(day)
        if stamp is None:
            stamp = stamps[day] = time_field.get_db_prep_save(noon(day, now), connection)
        return (
            stamp,
            content_type,
            object_id,
            name[:300],
            action,
            change.actor_label[:150],
            change.source,
            "",
            text,
            "",
        )

    names_of = [f.name for f in tracked]
    for pk, *values in rows.iterator(chunk_size=5000):
        current = dict(zip(names_of, values, strict=True))
        born = current[lifecycle.created_on]
        if born is None or born > today:
            continue
        later: list[tuple[datetime.date, dict]] = []
        ended = current.get(lifecycle.ended_on)
        if ended is not None and born <= ended <= today:
            later.append((ended, {name: (old, current[name]) for name, old in lifecycle.ending.items()}))
        if model is Organization and rng.randrange(RENAME_EVERY) == 0:
            start = max(born + datetime.timedelta(days=365), FIRST_RENAME)
            last = min(ended or today, today)
            old_name = _renamed(current["name"], current["org_type"], rng)
            if old_name and start < last:
                day = start + datetime.timedelta(days=rng.randint(0, (last - start).days))
                later.append((day, {"name": (old_name, current["name"])}))
        first = dict(current)
        for _day, changes in later:
            first.update({name: old for name, (old, _new) in changes.items()})
        label = str(first.get("name") or first.get("filing_number") or pk)
        # The creation names the record and the first values of what changed later; the row as
        # loaded holds the rest (a full snapshot per row would triple the seeding time).
        shown = [*lifecycle.identity, *(name for _day, changes in later for name in changes)]
        created = {name: (None, first[name]) for name in shown if first[name] not in (None, "")}
        yield record(born, pk, label, ChangeAction.CREATE, created)
        for day, changes in sorted(later, key=lambda item: item[0]):
            yield record(day, pk, str(current.get("name") or label), ChangeAction.UPDATE, changes)


def seed_history(context: DemoContext) -> None:
    """The change history of the demo's organizations, filings, ratings and credit-list entries."""
    now = timezone.now()
    for lifecycle in LIFECYCLES:
        before = context.written.get(ChangeRecord._meta.label, 0)
        context.insert(ChangeRecord, HISTORY_COLUMNS, _history_of(lifecycle, context, now))
        count = context.written[ChangeRecord._meta.label] - before
        context.log(f"history of {lifecycle.model._meta.verbose_name_plural}: {count} changes")
    # The history is not a loaded model: the bulk load's own record names the models loaded.
    context.written.pop(ChangeRecord._meta.label, None)
