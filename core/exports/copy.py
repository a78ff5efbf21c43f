"""CSV exports written by PostgreSQL's COPY (docs/decisions/0075-csv-exports-by-copy.md).

Reading a million rows into Python and writing them with the csv module costs about four times what
`COPY … TO STDOUT WITH CSV` costs for the same rows, however little is done per row. So on
PostgreSQL a CSV export whose every column can be written as SQL is written by COPY: each column of
the export table becomes an SQL expression that gives the same text the Python path writes (labels in
the active language, 是/否, dates, local timestamps to the second, formula-safe text, empty text as
an empty cell), and the server streams the CSV. tests/exports/test_copy.py holds the two paths to
byte-identical output.

Personal data is masked in SQL as `core.services.mask_personal` masks it, for the records whose district
is not the reader's (the model names the path to its district: `jurisdiction_path`). A column that SQL
cannot express (a method field, a nested record), personal data of a model without such a path, or
another database: the export takes the Python path (`core.exports.tables`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Cast, Concat, Left, Length, Repeat, Right
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from rest_framework import relations, serializers

from core.api.serializers import FactDateField
from core.exports.tables import NO, YES, Column, ExportTable, NameColumn, model_field_for
from core.exports.writers import FORMULA_TRIGGERS
from core.personal_data import PersonalDataField

# Chunks of COPY's output held between the database thread and the response: at most this many.
QUEUE_CHUNKS = 16
COPY_CHUNK_BYTES = 64 * 1024
_DONE = object()


class _TextOf(Expression):
    """Text that SQL writes from one expression (`as_sql` says how)."""

    output_field = TextField()

    def __init__(self, expression):
        super().__init__()
        self.expression = expression

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions):
        (self.expression,) = expressions


class InertText(_TextOf):
    """The text of an expression as the Python path writes it: NULL for empty text, and a leading
    apostrophe on text a spreadsheet would run as a formula (`core.exports.writers.inert_csv_text`)."""

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        triggers = ", ".join("%s" for _ in FORMULA_TRIGGERS)
        return (
            f"CASE WHEN LEFT(({sql})::text, 1) IN ({triggers}) THEN '''' || ({sql})::text "
            f"ELSE NULLIF(({sql})::text, '') END",
            [*params, *FORMULA_TRIGGERS, *params, *params],
        )


class LocalTimestamp(_TextOf):
    """A timestamp in the active time zone, to the second: `YYYY-MM-DD HH:MM:SS`."""

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        zone = timezone.get_current_timezone_name()
        return f"TO_CHAR(({sql}) AT TIME ZONE %s, 'YYYY-MM-DD HH24:MI:SS')", [*params, zone]


def _as_text(expression) -> Expression:
    return Cast(expression, TextField())


def column_expression(serializer: serializers.Serializer, column: Column) -> Expression | None:
    """The SQL that writes `column` as `Column.converter` does, or None when SQL cannot."""
    if column.nested is not None:
        return None
    field = column.field
    if column.codes is not None:  # a related record shown by its code (credit code, filing number)
        model_field = model_field_for(serializer, field)
        return InertText(F(f"{model_field.name}__{column.codes.code}"))
    model_field = model_field_for(serializer, field)
    if model_field is None or model_field.many_to_many or model_field.one_to_many:
        return None
    column_name = model_field.attname
    if isinstance(field, relations.SlugRelatedField):
        target = model_field.related_model._meta.pk.name
        path = column_name if field.slug_field == target else f"{model_field.name}__{field.slug_field}"
        return InertText(F(path))
    if isinstance(field, relations.PrimaryKeyRelatedField):
        return InertText(F(column_name))
    if isinstance(field, relations.RelatedField):
        return None
    if column.shown is not None:  # shown as another field says (`core.exports.tables.shown_as`)
        if not isinstance(column.shown, serializers.ChoiceField):
            return None
        whens = [When(Q(**{column_name: key}), then=Value(str(label))) for key, label in column.shown.choices.items()]
        return Case(*whens, default=InertText(F(column_name)), output_field=TextField())
    kind = type(field)
    if kind is serializers.BooleanField:
        yes, no = str(YES), str(NO)
        return Case(
            When(Q(**{column_name: True}), then=Value(yes)),
            When(Q(**{column_name: False}), then=Value(no)),
            output_field=TextField(),
        )
    if kind is serializers.ChoiceField:
        whens = [When(Q(**{column_name: key}), then=Value(str(label))) for key, label in field.choices.items()]
        return Case(*whens, default=InertText(F(column_name)), output_field=TextField())
    if kind is serializers.CharField:
        return InertText(F(column_name))
    # FactDateField bounds what is written and shows a date as DateField does.
    if kind in (serializers.IntegerField, serializers.BigIntegerField, serializers.DateField, FactDateField):
        return _as_text(F(column_name))
    if kind is serializers.DecimalField and not getattr(field, "normalize_output", False):
        return _as_text(F(column_name))
    if kind is serializers.DateTimeField:
        return LocalTimestamp(F(column_name))
    return None


def masked(expression) -> Expression:
    """`core.services.mask_personal` in SQL: 138****5678 from 11 characters on, only `*` up to 4, else
    all but the last two masked."""
    length = Length(expression)
    return Case(
        When(GreaterThanOrEqual(length, 11), then=Concat(Left(expression, 3), Value("****"), Right(expression, 4))),
        When(LessThanOrEqual(length, 4), then=Repeat(Value("*"), length)),
        default=Concat(Repeat(Value("*"), length - 2), Right(expression, 2)),
        output_field=TextField(),
    )


def personal_expression(serializer: serializers.Serializer, column: Column, principal) -> Expression | None:
    """A personal column as the reader may see it: in full for the records of the reader's district
    (`principal.sees_personal_data_of`), masked for the others; None when the model does not say in
    SQL which district a record belongs to."""
    path = getattr(serializer.Meta.model, "jurisdiction_path", None)
    model_field = model_field_for(serializer, column.field)
    if path is None or model_field is None or type(column.field) is not serializers.CharField:
        return None
    value = F(model_field.attname)
    if principal.reads_as_district:
        own = Exact(F(path), Value(principal.district))
        return Case(When(own, then=InertText(value)), default=InertText(masked(value)), output_field=TextField())
    return InertText(masked(value))


def copy_columns(table: ExportTable, principal) -> list[Expression] | None:
    """Every column of `table` as SQL (personal data masked for the reader as the JSON list masks it),
    or None when one cannot be."""
    serializer = table.serializer
    personal = set(getattr(getattr(serializer, "Meta", None), "personal_fields", ()))
    if principal.sees_all_personal_data:
        personal = set()
    expressions = []
    for column in table.output_columns:
        if isinstance(column, NameColumn):
            expressions.append(InertText(F(column.path)))
            continue
        if isinstance(model_field_for(serializer, column.field), PersonalDataField):
            return None  # encrypted in the database: decrypted (and masked) by the Python path only
        if column.name in personal:
            expression = personal_expression(serializer, column, principal)
        else:
            expression = column_expression(serializer, column)
        if expression is None:
            return None
        expressions.append(expression)
    return expressions


def copy_statement(queryset: QuerySet, expressions: list[Expression]) -> str:
    """`COPY (the list's SELECT of the readable columns, in the list's order) TO STDOUT WITH CSV`."""
    names = [f"_export_{index}" for index in range(len(expressions))]
    rows = queryset.annotate(**dict(zip(names, expressions, strict=True))).values_list(*names)
    sql, params = rows.query.sql_with_params()
    connection = connections[queryset.db]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        select = cursor.mogrify(sql, params).decode()
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


class _Cancelled(Exception):
    """The response was closed before the end (the client went away)."""


def copy_chunks(queryset: QuerySet, expressions: list[Expression]) -> Generator[bytes, None, int]:
    """The rows as CSV, written by COPY and streamed; the generator returns how many rows it wrote.

    A thread reads COPY into a bounded queue, so memory stays flat whatever the size and a slow
    client slows the database down instead of filling memory.

    COPY is one statement, so the web requests' statement timeout (docs/decisions/0073) would limit the
    whole download by a slow client; it is lifted for the COPY's own transaction (`SET LOCAL`), so
    nothing of it stays on the connection, behind PgBouncer's transaction pooling too.
    """
    connection = connections[queryset.db]
    try:
        statement = copy_statement(queryset, expressions)
    except EmptyResultSet:  # a filter no row can match (an id beyond any key): no query to run
        return 0
    raw = connection.connection
    chunks: queue.Queue = queue.Queue(maxsize=QUEUE_CHUNKS)
    cancelled = threading.Event()

    class Sink:
        """COPY's rows (psycopg2 writes them one by one) gathered into chunks of about 64 KB."""

        def __init__(self):
            self.buffer = bytearray()

        def write(self, data) -> int:
            self.buffer += data
            if len(self.buffer) >= COPY_CHUNK_BYTES:
                self.flush()
            return len(data)

        def flush(self) -> None:
            if cancelled.is_set():
                raise _Cancelled
            if self.buffer:
                chunks.put(bytes(self.buffer))
                self.buffer.clear()

    def read() -> None:
        try:
            with raw.cursor() as cursor:
                # A transaction of its own, unless the connection is in one already (a test's): the
                # timeout lifted by SET LOCAL ends with it. A failed COPY's connection is closed below.
                own_transaction = raw.autocommit
                if own_transaction:
                    cursor.execute("BEGIN")
                cursor.execute("SET LOCAL statement_timeout = 0")
                sink = Sink()
                cursor.copy_expert(statement, sink)
                sink.flush()
                written = cursor.rowcount
                if own_transaction:
                    cursor.execute("COMMIT")
            chunks.put((_DONE, written))
        except BaseException as error:  # handed to the response's thread, which raises it
            chunks.put(error)

    worker = threading.Thread(target=read, name="csv-export-copy", daemon=True)
    worker.start()
    finished = False
    try:
        while True:
            item = chunks.get()
            if isinstance(item, tuple) and item[0] is _DONE:
                finished = True
                return item[1]
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if not finished:
            cancelled.set()
            while worker.is_alive():  # let the reader reach its next write and stop
                try:
                    chunks.get(timeout=0.1)
                except queue.Empty:
                    pass
            # An interrupted COPY leaves the connection mid-protocol: close it; the next request opens another.
            connection.close()
        worker.join()
