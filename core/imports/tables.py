"""A table read from a file into a resource: columns matched to the API serializer's fields, cells
turned into values, rows written through the bulk sync engine, every error reported by row and column."""

from __future__ import annotations

import dataclasses
import datetime
import re
import unicodedata

from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField

from core.bulk.engine import BulkSync
from core.choices import ChangeSource
from core.exports.resources import record_code_field
from core.exports.tables import NO, YES, ExportTable, field_header
from core.exports.writers import FORMULA_TRIGGERS
from core.imports.files import ImportFileError, read_table

TRUE_WORDS = {"true", "1", "yes", "y", "是", "对", "√"}


FALSE_WORDS = {"false", "0", "no", "n", "否", "不是", "×"}


LIST_SEPARATORS = re.compile(r"[、,，;；]")


@dataclasses.dataclass(frozen=True)
class CellError:
    row: int
    column: str
    value: str
    message: str


@dataclasses.dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[CellError] = dataclasses.field(default_factory=list)
    ignored_columns: list[str] = dataclasses.field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def _key(text) -> str:
    """How headers and labels are compared: NFKC, no surrounding spaces or required-markers, case-folded."""
    return unicodedata.normalize("NFKC", str(text)).strip().strip("*").strip().casefold()


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [f"{name}: {text}" for name, value in messages.items() for text in _flatten(value)]
    if isinstance(messages, (list, tuple)):
        return [text for item in messages for text in _flatten(item)]
    return [str(messages)]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time.min:
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TableImport:
    """A spreadsheet into a resource, through its serializer and the bulk sync engine."""

    def __init__(self, *, serializer: serializers.ModelSerializer, key: str, queryset, actor):
        self.serializer = serializer
        self.key = key
        self.queryset = queryset
        self.actor = actor
        self.fields = serializer.fields
        self._choice_labels: dict[str, dict] = {}

    # Columns

    def names_of(self, name: str, field) -> set[str]:
        names = {_key(name)}
        header = field_header(self.serializer, name, field)
        for language, _label in settings.LANGUAGES:
            with override(language):
                names.add(_key(header))
                if field.label:
                    names.add(_key(field.label))
        return names

    def export_only_columns(self) -> set[str]:
        """Headers an export writes that no field reads back (a division's name beside its code), in
        every language: an exported file imports as it is."""
        names = set()
        for column in ExportTable(self.serializer).name_columns.values():
            for language, _label in settings.LANGUAGES:
                with override(language):
                    names.add(_key(column.header_text()))
        return names

    def map_columns(self, header: list[str], report: ImportReport) -> dict[int, str]:
        """Column index → field name; unknown and repeated columns are errors of row 1."""
        by_name = {}
        for name, field in self.fields.items():
            for alias in self.names_of(name, field):
                by_name.setdefault(alias, name)
        columns: dict[int, str] = {}
        seen: dict[str, str] = {}
        export_only = self.export_only_columns()
        for index, title in enumerate(header):
            if not title:
                continue
            name = by_name.get(_key(title))
            if name is None and _key(title) in export_only:
                report.ignored_columns.append(title)
            elif name is None:
                report.errors.append(CellError(1, title, title, _("Unknown column.")))
            elif name in seen:
                report.errors.append(
                    CellError(1, title, title, _("Repeats the column %(other)s.") % {"other": seen[name]})
                )
            elif self.fields[name].read_only:
                seen[name] = title
                report.ignored_columns.append(title)
            else:
                seen[name] = title
                columns[index] = name
        return columns

    # Values

    def _choice(self, field, value):
        """A choice named by its value or by its label in any language (`社会团体`, `Social group`)."""
        labels = self._choice_labels.get(field.field_name)
        if labels is None:
            labels = {}
            for language, _label in settings.LANGUAGES:
                with override(language):
                    labels.update({_key(label): choice for choice, label in field.choices.items()})
            labels.update({_key(choice): choice for choice in field.choices})
            self._choice_labels[field.field_name] = labels
        return labels.get(_key(value), value)

    def _boolean(self, value):
        if isinstance(value, bool):
            return value
        if not hasattr(self, "_words"):
            true, false = set(TRUE_WORDS), set(FALSE_WORDS)
            for language, _label in settings.LANGUAGES:
                with override(language):
                    true.add(_key(YES))
                    false.add(_key(NO))
            self._words = {**{word: True for word in true}, **{word: False for word in false}}
        return self._words.get(_key(value), value)

    def _date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups())).isoformat()
            except ValueError:
                return text
        return text

    def value_for(self, field, raw):
        """The cell as the serializer takes it in JSON."""
        if isinstance(raw, str) and raw[:1] == "'" and raw[1:2] and raw[1] in "".join(FORMULA_TRIGGERS):
            raw = raw[1:]  # the apostrophe the registry's own CSV export puts before =, +, -, @
        if isinstance(field, serializers.BooleanField):
            return self._boolean(raw)
        if isinstance(field, serializers.MultipleChoiceField):
            return [self._choice(field, part) for part in LIST_SEPARATORS.split(str(raw)) if part.strip()]
        if isinstance(field, serializers.ChoiceField):
            return self._choice(field, raw)
        if isinstance(field, serializers.DateTimeField):
            return raw.isoformat() if isinstance(raw, datetime.datetime) else str(raw)
        if isinstance(field, serializers.DateField):
            return self._date(raw)
        if isinstance(field, ManyRelatedField):
            return [part.strip() for part in LIST_SEPARATORS.split(_cell_text(raw)) if part.strip()]
        if isinstance(field, (serializers.IntegerField, serializers.DecimalField, serializers.FloatField)):
            return raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else str(raw).strip()
        return _cell_text(raw).strip()

    def _codes_to_ids(self, rows: list[dict], numbers: list[int], titles: dict, report: ImportReport) -> set:
        """Related records named by code: an organization by its credit code (the key of its bulk sync),
        not by database id. Returns the (row index, field) whose codes name nothing (reported here)."""
        refused = set()
        for name, field in self.fields.items():
            relation = field.child_relation if isinstance(field, ManyRelatedField) else field
            if field.read_only or not isinstance(relation, PrimaryKeyRelatedField):
                continue
            model = relation.get_queryset().model
            code = record_code_field(model)
            if not code:
                continue
            named = {
                index: row[name] if isinstance(row[name], list) else [row[name]]
                for index, row in enumerate(rows)
                if name in row
            }
            wanted = {value for values in named.values() for value in values}
            found = dict(relation.get_queryset().filter(**{f"{code}__in": wanted}).values_list(code, "pk"))
            for index, values in named.items():
                missing = [value for value in values if value not in found]
                for value in missing:
                    report.errors.append(
                        CellError(
                            numbers[index],
                            titles[name],
                            value,
                            _("No %(model)s has the code %(code)s.")
                            % {"model": model._meta.verbose_name, "code": value},
                        )
                    )
                if missing:
                    del rows[index][name]
                    refused.add((index, name))
                else:
                    ids = [found[value] for value in values]
                    rows[index][name] = ids if isinstance(field, ManyRelatedField) else ids[0]
        return refused

    def _column_title(self, field_name: str, titles: dict) -> str:
        if field_name in titles:
            return titles[field_name]
        field = self.fields.get(field_name)
        if field is None:  # the row's own errors (non_field_errors, a jurisdiction refusal)
            return ""
        return capfirst(str(field_header(self.serializer, field_name, field)))

    # The whole file

    def run(self, name: str, content: bytes, *, commit: bool) -> ImportReport:
        """Read, check every row, and (with `commit`, when nothing is wrong) write them all, atomically."""
        report = ImportReport()
        try:
            header, table = read_table(name, content)
        except ImportFileError as error:
            report.errors.append(CellError(0, "", "", str(error)))
            return report
        columns = self.map_columns(header, report)
        report.rows = len(table)
        if report.errors:
            return report
        titles = {field: header[index] for index, field in columns.items()}
        rows: list[dict] = []
        raws: list[dict] = []
        numbers: list[int] = []
        for number, cells in table:
            row, raw = {}, {}
            for index, field_name in columns.items():
                value = cells[index] if index < len(cells) else None
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue  # an empty cell leaves the stored value as it is
                raw[field_name] = value
                row[field_name] = self.value_for(self.fields[field_name], value)
            rows.append(row)
            raws.append(raw)
            numbers.append(number)
        refused = self._codes_to_ids(rows, numbers, titles, report)
        outcome = BulkSync(
            serializer=self.serializer,
            queryset=self.queryset,
            key=self.key,
            actor=self.actor,
            source=ChangeSource.IMPORT,
        ).run(rows, commit=commit and not report.errors)
        for entry in outcome.errors:
            index = entry["index"]
            for field_name, field_messages in entry.items():
                if field_name == "index" or (index, field_name) in refused:
                    continue
                for text in _flatten(field_messages):
                    report.errors.append(
                        CellError(
                            numbers[index],
                            self._column_title(field_name, titles),
                            _cell_text(raws[index].get(field_name)),
                            text,
                        )
                    )
        report.errors.sort(key=lambda error: (error.row, error.column))
        report.created = outcome.count("created")
        report.updated = outcome.count("updated")
        report.written = commit and outcome.ok and not report.errors
        return report
