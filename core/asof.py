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
filter sets stay the one place filters live. The tables of other models the query reads (a join: an
evaluation's organization; a subquery: an organization's grade from its ratings; a prefetch) are replaced
the same way (`PastJoin`, `PastQuery`). Cost and measurements: docs/decisions/0300-lists-as-of-a-date.md
and docs/decisions/0420-joined-records-as-of-a-date.md.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Prefetch, QuerySet
from django.db.models.sql import Query
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.where import WhereNode
from django.utils import timezone

from core.choices import ChangeAction
from core.models import ChangeRecord, HistoryModel

# Timestamps a rebuilt row cannot know (they are not in the history): the last moment of the day.
_LAST_MOMENT = datetime.timedelta(microseconds=1)


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local (Beijing) time: changes from then on came after it."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def past_rows(model, day: datetime.date, *, using: str = "default") -> tuple[list[int], list[dict]]:
    """(ids of the records whose row today is not their row at the end of `day`, those rows as they
    were, by column, as the database stores them). Records created after `day` are among the ids
    and not among the rows."""
    return past_rows_of([model], day, using=using)[model]


def past_rows_of(models, day: datetime.date, *, using: str = "default") -> dict[type, tuple[list[int], list[dict]]]:
    """`past_rows` of each of `models`, from one read of the change records since `day` (index on `time`)."""
    after = end_of_day(day)
    types = ContentType.objects.db_manager(using).get_for_models(*models)
    model_of = {content_type.pk: model for model, content_type in types.items()}
    fields = {model: {field.name: field for field in model._meta.concrete_fields} for model in types}
    created_after: dict[type, set[int]] = {model: set() for model in types}
    before: dict[type, dict[int, dict]] = {model: {} for model in types}
    changes = (
        ChangeRecord.objects.using(using)
        .filter(content_type__in=list(model_of), time__gte=after)
        .order_by("time", "id")
        .values_list("content_type_id", "object_id", "action", "changes")
    )
    for content_type_id, object_id, action, changed in changes.iterator(chunk_size=2000):
        model = model_of[content_type_id]
        if action == ChangeAction.CREATE:
            created_after[model].add(object_id)
            continue
        if object_id in created_after[model]:
            continue
        values = before[model].setdefault(object_id, {})
        for name, pair in changed.items():
            # The first change after the day found the day's value; link entries name no column.
            if name in fields[model] and name not in values and isinstance(pair, list) and len(pair) == 2:
                values[name] = pair[0]
    return {model: _rebuilt(model, created_after[model], before[model], after, using=using) for model in types}


def _rebuilt(model, created_after: set[int], before: dict[int, dict], after, *, using: str):
    """The ids and rebuilt rows of `past_rows` from the first "before" of each field changed since."""
    fields = {field.name: field for field in model._meta.concrete_fields}
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
        # The exclusion stands outside the UNION ALL, whose branches have no WHERE of their own: then
        # PostgreSQL flattens the union into the query (an "append relation"), pushes the condition and
        # the list's filters into each branch, and reads a page in the order of an index (a Merge Append
        # of the table's index and the sorted rebuilt rows) instead of sorting the whole table. A
        # condition inside a branch keeps it a subquery, and every page read and sorted the table.
        # The array of ids is a constant: tested by hash, whatever its length (PostgreSQL ≥ 15).
        sql = (
            f'SELECT {listed} FROM (SELECT {listed}, false AS "as_of_past" FROM {table} '
            f'UNION ALL SELECT {listed}, true FROM jsonb_populate_recordset(NULL::{table}, %s::jsonb)) "as_of_rows" '
            f'WHERE "as_of_past" OR NOT ({pk} = ANY(%s::bigint[]))'
        )
        return sql, [data, ids]
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


class PastJoin(Join):
    """A joined table (an evaluation's organization) replaced by its derived table of the day."""

    @classmethod
    def of(cls, join: Join, sql: str, params) -> PastJoin:
        past = copy.copy(join)
        past.__class__ = cls
        past.sql, past.params = sql, tuple(params)
        return past

    def as_sql(self, compiler, connection):
        sql, params = super().as_sql(compiler, connection)
        head = f"{self.join_type} {compiler.quote_name_unless_alias(self.table_name)}"
        if not sql.startswith(head):  # pragma: no cover - Django changed how a join is written
            raise NotImplementedError(f"as_of cannot rewrite the join {sql!r}")
        rest = sql[len(head) :]
        if self.table_alias == self.table_name:
            rest = f" {connection.ops.quote_name(self.table_name)}{rest}"
        return f"{self.join_type} ({self.sql}){rest}", [*self.params, *params]

    def relabeled_clone(self, change_map):
        # Join's clone builds `self.__class__` from the join's own arguments; the derived table follows.
        clone = super().relabeled_clone(change_map)
        clone.sql, clone.params = self.sql, self.params
        return clone

    @property
    def identity(self):
        return (*super().identity, self.sql, self.params)


class PastQuery(Query):
    """A query whose later joins (select_related's, made when it is compiled; a filter added after
    `as_of`) read the derived tables of the day too."""

    past_tables: dict[str, tuple[str, list]]

    def join(self, join, reuse=None):
        past = self.past_tables.get(join.table_name)
        if past is not None and type(join) is Join:
            join = PastJoin.of(join, *past)
        return super().join(join, reuse)


def _select_related_tables(model, tree, depth: int = 0):
    """The tables `select_related` (True, or a dict of names) will join to `model`'s table."""
    if tree is True:
        if depth >= 5:  # Django's depth for select_related() without names
            return
        for field in model._meta.concrete_fields:
            if field.is_relation and not field.null:
                yield field.related_model._meta.db_table
                yield from _select_related_tables(field.related_model, True, depth + 1)
        return
    for name, subtree in (tree or {}).items():
        related = model._meta.get_field(name).related_model
        yield related._meta.db_table
        yield from _select_related_tables(related, subtree or {}, depth + 1)


@functools.cache
def _history_models() -> dict[str, type]:
    """The models whose changes are recorded (core.models.HistoryModel), by table."""
    return {
        model._meta.db_table: model
        for model in apps.get_models()
        if issubclass(model, HistoryModel) and not model._meta.proxy
    }


class _PastTables:
    """The derived tables of one day, one per history model a query reads. A first pass over the
    query only notes its tables (`built` is None), then `build()` reads the changes of them all at
    once, then a second pass replaces them."""

    def __init__(self, day: datetime.date, using: str):
        self.day, self.using = day, using
        self.wanted: set[str] = set()
        self.built: dict[str, tuple[str, list]] | None = None

    def of(self, table_name: str) -> tuple[str, list] | None:
        if self.built is None:
            self.wanted.add(table_name)
            return None
        return self.built.get(table_name)

    def build(self) -> None:
        history = _history_models()
        models = [history[table] for table in sorted(self.wanted) if table in history]
        self.built = {}
        for model, (ids, rows) in (past_rows_of(models, self.day, using=self.using) if models else {}).items():
            if ids:
                self.built[model._meta.db_table] = past_table_sql(model, ids, rows, using=self.using)

    def rewrite_query(self, query: Query) -> None:
        """Every table of `query` (a clone: changed in place) and of its subqueries, as of the day."""
        if self.built is None and query.select_related and query.model is not None:
            self.wanted.update(_select_related_tables(query.model, query.select_related))
        for alias, table in list(query.alias_map.items()):
            if isinstance(table, (PastTable, PastJoin)):
                continue
            past = self.of(table.table_name)
            if past is None:
                continue
            if isinstance(table, Join):
                query.alias_map[alias] = PastJoin.of(table, *past)
            elif type(table) is BaseTable:
                query.alias_map[alias] = PastTable(table.table_name, table.table_alias, *past)
        query.where = self.rewrite(query.where)
        query.annotations = {name: self.rewrite(annotation) for name, annotation in query.annotations.items()}
        query.order_by = tuple(self.rewrite(item) if not isinstance(item, str) else item for item in query.order_by)

    def rewrite(self, expression):
        """`expression` with the tables of its subqueries as of the day: a copy where anything changed
        (the parts of a cached query are shared with its clones, and never changed in place)."""
        if isinstance(expression, Query):
            query = expression.clone()
            self.rewrite_query(query)
            return query
        if hasattr(expression, "query") and isinstance(expression.query, Query):  # Subquery, Exists
            copied = expression.copy()  # copies its query too
            self.rewrite_query(copied.query)
            return copied
        if isinstance(expression, WhereNode):
            children = [self.rewrite(child) for child in expression.children]
            if all(new is old for new, old in zip(children, expression.children, strict=True)):
                return expression
            node = copy.copy(expression)
            node.children = children
            return node
        get_sources = getattr(expression, "get_source_expressions", None)
        if get_sources is None:
            return expression
        sources = get_sources()
        rewritten = [self.rewrite(source) for source in sources]
        if all(new is old for new, old in zip(rewritten, sources, strict=True)):
            return expression
        copied = copy.copy(expression)
        copied.set_source_expressions(rewritten)
        return copied


def as_of(queryset: QuerySet, day: datetime.date) -> QuerySet:
    """`queryset` over its records as they stood at the end of `day` (every filter, ordering and
    annotation of it, before or after, reads the past rows), and so are the records of other models
    its joins, subqueries and prefetches read at the time of the call (an evaluation's organization,
    an organization's ratings for its grade). From today on, the records as they are."""
    if day >= timezone.localdate():
        return queryset
    queryset = queryset.all()
    lookups = list(queryset._prefetch_related_lookups)
    prefetched = {}
    for index, lookup in enumerate(lookups):
        if isinstance(lookup, Prefetch) and lookup.queryset is not None:
            lookups[index] = copy.copy(lookup)
            lookups[index].queryset = prefetched[index] = lookup.queryset.all()
    queries = [queryset.query, *(related.query for related in prefetched.values())]
    for query in queries:
        query.get_initial_alias()  # its base table, which a query without filters has not named yet
    past = _PastTables(day, queryset.db)
    for query in queries:
        past.rewrite_query(query)  # notes the tables
    past.build()
    if past.built:
        for query in queries:
            past.rewrite_query(query)
            if type(query) is Query:
                query.__class__ = PastQuery  # a clone keeps its class, and the tables
                query.past_tables = past.built
    queryset._prefetch_related_lookups = tuple(lookups)
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
