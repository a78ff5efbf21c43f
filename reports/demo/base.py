"""What every part of the demo data shares: the random source, the scale, batched writes."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord

DEMO_PREFIX = "【演示】"
BATCH_SIZE = 2000


def batches(items: Iterable, size: int = BATCH_SIZE) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def apportion(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split `total` in proportion to `weights` (largest remainder): the parts add up exactly."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}
    left = total - sum(parts.values())
    for key in sorted(exact, key=lambda k: (parts[k] - exact[k], k))[:left]:
        parts[key] += 1
    return parts


class DemoContext:
    """The state shared by the parts of one `seed_demo` run."""

    def __init__(self, *, scale: int, seed: int, log=None):
        self.scale = scale
        self.seed = seed
        self.random = random.Random(seed)
        self.log = log or (lambda message: None)
        self.written: dict[str, int] = {}
        # PostgreSQL: what was set aside while the tables are loaded, to be put back (restore()).
        self.set_aside: dict[str, list[tuple[str, str]]] = {}

    def rng(self, part: str) -> random.Random:
        """A random source of its own for each part, so adding a part never changes another's data."""
        return random.Random(f"{self.seed}:{part}")

    def n(self, count: int) -> int:
        """A scale-1 count at this run's scale."""
        return count * self.scale

    def insert(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[tuple]) -> int:
        """Insert rows of plain values in batches, streamed (rows may be a generator); return the first key.

        Faster than bulk_create by an order of magnitude at scale 20 (no model instance per row): the
        values are what the columns store (dates, booleans, strings, keys). An automatic primary key is
        given here, consecutive from the returned first key in the order of the rows, and the database's
        sequence is moved past it afterwards. `created` and `last_updated` are filled when the model has them.
        """
        meta = model._meta
        fields = [meta.get_field(name) for name in columns]
        constants: list[tuple[str, object]] = []
        field_names = {field.name for field in meta.concrete_fields}
        now = timezone.now()
        for stamp in ("created", "last_updated"):
            if stamp in field_names and stamp not in columns:
                constants.append((stamp, meta.get_field(stamp).get_db_prep_save(now, connection)))
        auto_key = isinstance(meta.pk, models.AutoField) and meta.pk.attname not in columns
        first = 1
        if auto_key:
            last = model._base_manager.aggregate(last=models.Max(meta.pk.attname))["last"]
            first = (last or 0) + 1
        names = ([meta.pk.column] if auto_key else []) + [f.column for f in fields] + [c for c, _ in constants]
        self._set_aside(meta.db_table)
        table = connection.ops.quote_name(meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(name) for name in names)
        constant_values = tuple(value for _, value in constants)
        written = 0
        with connection.cursor() as cursor:
            for batch in batches(rows):
                values = [
                    ((first + written + offset,) if auto_key else ()) + tuple(row) + constant_values
                    for offset, row in enumerate(batch)
                ]
                _insert_many(cursor, table, column_list, len(names), values)
                written += len(batch)
            if auto_key and connection.vendor == "postgresql":
                for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                    cursor.execute(statement)
        self.written[meta.label] = self.written.get(meta.label, 0) + written
        return first

    def _set_aside(self, table: str) -> None:
        """PostgreSQL, before a table's first rows: drop its foreign keys and its GIN (search) indexes.

        A foreign key checks each row at commit (Django's are deferred): at scale 20 the commit alone took
        over a minute, and the queue of checks grows with the rows. A GIN index updated row by row costs
        several times its build from the loaded table. restore() adds both back in the same transaction,
        each foreign key checked by one query over the table and each index built at once; the queries
        of the parts in between use neither (docs/decisions/0442-seeding-at-national-scale.md).
        """
        if connection.vendor != "postgresql" or table in self.set_aside:
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            quoted = connection.ops.quote_name(table)
            keys = [
                (name, f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
                for name, definition in cursor.fetchall()
            ]
            cursor.execute(
                "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index JOIN pg_class index "
                "ON index.oid = pg_index.indexrelid JOIN pg_am ON pg_am.oid = index.relam "
                "WHERE pg_index.indrelid = %s::regclass AND pg_am.amname = 'gin' ORDER BY index.relname",
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in keys:
                cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        self.set_aside[table] = indexes + keys

    def restore(self) -> None:
        """Put back what _set_aside() dropped: the indexes built, the foreign keys added and checked."""
        if not self.set_aside:
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statements in self.set_aside.values():
                for _name, statement in statements:
                    cursor.execute(statement)
        self.set_aside = {}

    def record_bulk_load(self, message: str) -> None:
        """The history of a bulk load: one change record per model written, saying what and how many."""
        context = current_context()
        for label, count in self.written.items():
            model = _model_of(label)
            ChangeRecord.objects.create(
                content_type=ContentType.objects.get_for_model(model),
                object_id=0,
                object_repr=f"{DEMO_PREFIX}{model._meta.verbose_name_plural} × {count}"[:300],
                action=ChangeAction.CREATE,
                actor_name=context.actor_label[:150],
                source=context.source,
                request_id=context.request_id,
                changes={"rows": [None, count], "scale": [None, self.scale], "seed": [None, self.seed]},
                message=message,
            )


# How COPY … (FORMAT csv) is told a value is NULL: an unquoted \N (an empty field stays an empty string).
_COPY_NULL = "\\N"


def _copy_value(value):
    return _COPY_NULL if value is None else value


def _insert_many(cursor, table: str, column_list: str, width: int, values: list[tuple]) -> None:
    """PostgreSQL: COPY FROM STDIN in CSV (several times faster than INSERTs on indexed tables);
    SQLite: executemany of one INSERT."""
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in values:
            writer.writerow([_copy_value(value) for value in row])
        buffer.seek(0)
        cursor.cursor.copy_expert(
            f"COPY {table} ({column_list}) FROM STDIN WITH (FORMAT csv, NULL '{_COPY_NULL}')", buffer
        )
    else:
        placeholders = ", ".join(["%s"] * width)
        cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})", values)


def _model_of(label: str) -> type[models.Model]:
    from django.apps import apps

    return apps.get_model(label)
