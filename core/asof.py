"""The register as it stood at the end of a past day (`as_of`, DESIGN §12), rebuilt from the change history.

A list `?as_of=D` runs the same query as without it (filter set, search, ordering, annotations,
export), only its table is replaced by the table as it was at the end of D, Beijing time:

    (SELECT the rows no change has touched since D            -- the table itself, its indexes
     UNION ALL
     SELECT the rows as they were, rebuilt in Python          -- one JSON parameter
    ) AS "registry_organization"

The rows "as they were" come from the changes recorded after D (`ChangeRecord`, core/models.py): for
each field, the value the first later change found (its "before"), else today's value; a record whose
creation was recorded after D is left out; a record deleted after D comes back from its deletion's
snapshot (which holds every field). Records loaded without history (a COPY) have had their values all
along, as the statistics read them (docs/decisions/0062-per-community-averages.md).

Every column reference of the query (`"registry_organization"."name"`) then reads the past row, so the
filter sets stay the one place filters live. Related records reached by a join (an evaluation's
organization) are read as they are today. Cost and measurements: docs/decisions/0300-lists-as-of-a-date.md.
"""

from __future__ import annotations

import datetime
import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.datastructures import BaseTable
from django.utils import timezone

from core.choices import ChangeAction
from core.models import ChangeRecord

# Timestamps a rebuilt row cannot know (they are not in the history): the last moment of the day.
_LAST_MOMENT = datetime.timedelta(microseconds=1)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local (Beijing) time: changes from then on came after it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def past_rows(model, day: datetime.date, *, using: str = "default") -> tuple[list[int], list[dict]]:
    """(ids of the records whose row today is not their row at the end of `day`, those rows as they
    were, by column, as the database stores them). Records created after `day` are among the ids
    and not among the rows."""
    after = end_of_day(day)
    fields = {field.name: field for field in model._meta.concrete_fields}
    changes = (
        ChangeRecord.objects.using(using)
        .filter(content_type=ContentType.objects.db_manager(using).get_for_model(model), time__gte=after)
        .order_by("time", "id")
        .values_list("object_id", "action", "changes")
    )
    created_after: set[int] = set()
    before: dict[int, dict] = {}
    for object_id, action, changed in changes.iterator(chunk_size=2000):
        if action == ChangeAction.CREATE:
            created_after.add(object_id)
            continue
        if object_id in created_after:
            continue
        values = before.setdefault(object_id, {})
        for name, pair in changed.items():
            # The first change after the day found the day's value; link entries name no column.
            if name in fields and name not in values and isinstance(pair, list) and len(pair) == 2:
                values[name] = pair[0]
    for object_id in created_after:
        before.pop(object_id, None)
    if not before:
        return sorted(created_after), []

    connection = connections[using]
    attnames = [field.attname for field in model._meta.concrete_fields]
    today = {
        row["pk"]: row for row in model._base_manager.using(using).filter(pk__in=list(before)).values("pk", *attnames)
    }
    last_moment = after - _LAST_MOMENT
    rows = []
    for object_id, values in before.items():
        row = dict(today.get(object_id) or {})
        row[model._meta.pk.attname] = object_id
        for name, value in values.items():
            field = fields[name]
            target = field.target_field if field.is_relation else field
            row[field.attname] = None if value is None else target.to_python(value)
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                stored = row.get(field.attname)
                row[field.attname] = last_moment if stored is None or stored > last_moment else stored
        rows.append(
            {
                field.column: field.get_db_prep_value(row.get(field.attname), connection, prepared=False)
                for field in model._meta.concrete_fields
            }
        )
    return sorted(created_after | set(before)), rows


def past_table_sql(model, ids: list[int], rows: list[dict], *, using: str = "default") -> tuple[str, list]:
    """The SELECT of the table as it was: its untouched rows, then the rebuilt ones (one JSON parameter)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [field.column for field in model._meta.concrete_fields]
    listed = ", ".join(quote(column) for column in columns)
    data = json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT {listed} FROM {table} WHERE NOT ({table}.{pk} = ANY(%s::bigint[])) "
            f"UNION ALL SELECT {listed} FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb)"
        )
        return sql, [ids, data]
    # SQLite: a JSON value read as the column stores it (dates as text, booleans as 0/1, decimals as numbers).
    read = []
    for field in model._meta.concrete_fields:
        path = "$." + json.dumps(field.column)
        value = f"json_extract(value, '{path}')"
        if field.get_internal_type() == "DecimalField":
            value = f"CAST({value} AS NUMERIC)"
        read.append(f"{value} AS {quote(field.column)}")
    sql = (
        f"SELECT {listed} FROM {table} WHERE {table}.{pk} NOT IN (SELECT value FROM json_each(%s)) "
        f"UNION ALL SELECT {', '.join(read)} FROM json_each(%s)"
    )
    return sql, [json.dumps(ids), data]


class PastTable(BaseTable):
    """The FROM clause's base table replaced by a derived table of the same name (and columns)."""

    def __init__(self, table_name: str, alias: str | None, sql: str, params):
        super().__init__(table_name, alias)
        self.sql = sql
        self.params = tuple(params)

    def as_sql(self, compiler, connection):
        alias = connection.ops.quote_name(self.table_name) if self.table_alias == self.table_name else self.table_alias
        return f"({self.sql}) {alias}", list(self.params)

    def relabeled_clone(self, change_map):
        return self.__class__(
            self.table_name, change_map.get(self.table_alias, self.table_alias), self.sql, self.params
        )

    @property
    def identity(self):
        return (*super().identity, self.sql, self.params)


def as_of(queryset: QuerySet, day: datetime.date) -> QuerySet:
    """`queryset` over its records as they stood at the end of `day` (every filter, ordering and
    annotation of it, before or after, reads the past rows). From today on, the records as they are."""
    if day >= timezone.localdate():
        return queryset
    model = queryset.model
    ids, rows = past_rows(model, day, using=queryset.db)
    if not ids:
        return queryset
    sql, params = past_table_sql(model, ids, rows, using=queryset.db)
    queryset = queryset.all()
    query = queryset.query
    alias = query.get_initial_alias()
    base = query.alias_map[alias]
    query.alias_map[alias] = PastTable(base.table_name, base.table_alias, sql, params)
    return queryset


def requested_day(request) -> datetime.date:
    """The day a list is read as of: its valid `as_of` parameter, else today (an invalid one is the
    filter set's 400)."""
    value = getattr(request, "query_params", {}).get("as_of") if request is not None else None
    value = (value or "").strip()
    if value:
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None and len(value) == 10 and day <= timezone.localdate():
            return day
    return timezone.localdate()
