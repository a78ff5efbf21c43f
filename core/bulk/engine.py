"""The bulk sync engine: every row of a batch validated, then all written or none; the outcome per row
(created or updated) or the errors of every bad row."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.relations import PrimaryKeyRelatedField, SlugRelatedField
from rest_framework.settings import api_settings

from core import outbox
from core.access import WriteForbidden, check_write
from core.api.serializers import RegistrySerializer
from core.bulk.validation import BatchModelValidator
from core.choices import ChangeSource
from core.context import change_context
from core.exceptions import integrity_error_detail
from core.filters import normalise_text

CREATED = "created"


UPDATED = "updated"


# The key of a row's errors that concern the whole row (DRF's "non_field_errors").
ROW_ERRORS_KEY = api_settings.NON_FIELD_ERRORS_KEY


FORBIDDEN_KEY = "detail"


def plain_errors(detail) -> Any:
    """DRF's error detail (ErrorDetail strings, nested lists and dicts) as plain JSON-able values."""
    if isinstance(detail, dict):
        return {str(name): plain_errors(value) for name, value in detail.items()}
    if isinstance(detail, (list, tuple)):
        return [plain_errors(item) for item in detail]
    return str(detail) if isinstance(detail, ErrorDetail) else detail


def error_lists(detail) -> dict[str, list]:
    """Errors by field, each a list (a bare message concerns the whole row)."""
    detail = plain_errors(detail)
    if not isinstance(detail, dict):
        return {ROW_ERRORS_KEY: detail if isinstance(detail, list) else [detail]}
    return {name: value if isinstance(value, (list, dict)) else [value] for name, value in detail.items()}


@dataclasses.dataclass
class BulkRow:
    index: int
    data: Any
    key: Any = None
    existing: models.Model | None = None
    validated: dict | None = None
    instance: models.Model | None = None  # as validated, to be saved
    many: dict = dataclasses.field(default_factory=dict)  # many-to-many values, set after the save
    errors: dict = dataclasses.field(default_factory=dict)
    forbidden: bool = False

    @property
    def action(self) -> str:
        return UPDATED if self.existing is not None else CREATED


@dataclasses.dataclass
class BulkOutcome:
    """`results` in row order ({index, id, action}); `errors` ({index, field: [messages]}) of every bad
    row; `forbidden` when a row lies outside the actor's jurisdiction (a 403 rather than a 400)."""

    results: list[dict]
    errors: list[dict]
    forbidden: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for result in self.results if result["action"] == action)


class BulkSync:
    """Create or update `rows` (dicts of the serializer's fields) keyed by `key`, all or nothing.

    `serializer` is an unbound instance of the resource's serializer (with the request in its context);
    it is reused for every row, so its fields are built once. `queryset` is where existing rows are
    looked up by key (everything the actor may read); they are locked until the batch is written.
    """

    def __init__(
        self,
        *,
        serializer: serializers.ModelSerializer,
        queryset: models.QuerySet,
        key: str,
        actor,
        source: str = ChangeSource.BULK,
        message: str = "",
    ):
        if key not in serializer.fields:
            raise ValueError(f"{type(serializer).__name__} has no field {key!r} to key a bulk sync by")
        self.serializer = serializer
        self.queryset = queryset
        self.key = key
        self.actor = actor
        self.source = source
        self.message = message
        self.model = serializer.Meta.model
        self.model_validator = BatchModelValidator(key=key)

    def run(self, rows: Sequence, *, commit: bool = True) -> BulkOutcome:
        """Validate every row; then, when none is bad and `commit`, write them all in one transaction.

        Without `commit` (a dry run) nothing is written; the results say what would be created or updated
        (`id` None for rows that would be created).
        """
        with transaction.atomic(), change_context(actor=self.actor, source=self.source, message=self.message):
            batch = [BulkRow(index=index, data=data) for index, data in enumerate(rows)]
            self.validate(batch)
            errors = [{"index": row.index, **row.errors} for row in batch if row.errors]
            forbidden = any(row.forbidden for row in batch)
            if errors or not commit:
                results = (
                    []
                    if errors
                    else [
                        {"index": row.index, "id": getattr(row.existing, "pk", None), "action": row.action}
                        for row in batch
                    ]
                )
                return BulkOutcome(results=results, errors=errors, forbidden=forbidden)
            with outbox.renderings_deferred():  # the feed's renderings of the batch in one query set
                return self.write(batch)

    # Validation: nothing is written here.

    def validate(self, batch: list[BulkRow]) -> None:
        keyed = [row for row in batch if self._read_key(row)]
        self._refuse_duplicates(keyed)
        existing = self._existing_by_key({row.key for row in keyed if not row.errors})
        for row in keyed:
            row.existing = existing.get(row.key)
        self._prime_related_fields(batch)
        for row in batch:
            if not row.errors:
                self._validate_row(row)

    def _read_key(self, row: BulkRow) -> bool:
        """Normalise the row's key as the serializer would; False when the row has none (a create)."""
        if not isinstance(row.data, dict):
            row.errors = {ROW_ERRORS_KEY: [_("Each row must be a JSON object of the resource's fields.")]}
            return False
        raw = row.data.get(self.key)
        if raw is None or raw == "":
            return False
        serializer = self.serializer
        serializer.instance = None
        try:
            value = serializer.fields[self.key].run_validation(raw)
        except ValidationError as error:
            row.errors = {self.key: plain_errors(error.detail)}
            return True
        method = getattr(serializer, f"validate_{self.key}", None)
        if method is not None:
            try:
                value = method(value)  # the serializer's own normalisation (full-width credit codes, …)
            except (ValidationError, DjangoValidationError):
                # It refuses the key without its record at hand ("this number exists already"): look the
                # record up by the key as text; the row's own validation, with the record bound, decides.
                normalise = getattr(serializer, f"normalise_{self.key}", normalise_text)
                value = normalise(value) if isinstance(value, str) else value
        if value is None or value == "":
            return False
        row.key = value
        return True

    def _refuse_duplicates(self, keyed: list[BulkRow]) -> None:
        first_index = {}
        for row in keyed:
            if row.errors:
                continue
            if row.key in first_index:
                row.errors = {
                    self.key: [
                        _("Row %(index)d of this batch has the same %(key)s; each record may appear once.")
                        % {"index": first_index[row.key], "key": self.key}
                    ]
                }
            else:
                first_index[row.key] = row.index

    def _existing_by_key(self, keys: set) -> dict:
        if not keys:
            return {}
        queryset = self.queryset.filter(**{f"{self.key}__in": keys})
        if connection.features.has_select_for_update:
            of = ("self",) if connection.features.has_select_for_update_of else ()
            queryset = queryset.select_for_update(of=of)
        found = list(queryset)
        # The records they point to (divisions, …) in one query per relation, for the validation below.
        relations = [field.name for field in self.model._meta.concrete_fields if field.many_to_one or field.one_to_one]
        models.prefetch_related_objects(found, *relations)
        return {getattr(instance, self.key): instance for instance in found}

    def _prime_related_fields(self, batch: list[BulkRow]) -> None:
        """Look up every related record the batch names (divisions by code, …) in one query per field,
        instead of one per row; a value not found falls through to the field's own lookup and message."""
        for name, field in self.serializer.fields.items():
            if field.read_only:
                continue
            if isinstance(field, SlugRelatedField) and "__" not in field.slug_field:
                lookup = field.slug_field
            elif isinstance(field, PrimaryKeyRelatedField) and field.pk_field is None:
                lookup = "pk"
            else:
                continue
            values = [row.data.get(name) for row in batch if isinstance(row.data, dict) and not row.errors]
            values = {value for value in values if isinstance(value, (str, int)) and not isinstance(value, bool)}
            if not values:
                continue
            try:
                candidates = field.get_queryset().filter(**{f"{lookup}__in": values})
                found = {str(getattr(obj, lookup)): obj for obj in candidates}
            except (TypeError, ValueError, OverflowError, DjangoValidationError):
                continue  # a value of the wrong type: the field's own lookup will say so, row by row
            field.to_internal_value = _cached_lookup(field.to_internal_value, found)

    def _validate_row(self, row: BulkRow) -> None:
        unknown = sorted(set(row.data) - set(self.serializer.fields))
        errors = {name: [_("Unknown field.")] for name in unknown}
        if row.existing is not None:
            try:
                check_write(self.actor, before=row.existing, after=None)
            except WriteForbidden as refusal:
                row.errors, row.forbidden = _forbidden(refusal), True
                return
        serializer = self._bind(row)
        drafted = serializer.draft(row.data) if hasattr(serializer, "draft") else None
        if drafted is not None:  # a row outside the jurisdiction is a 403 whatever else it holds
            draft, owner_known = drafted
            try:
                check_write(self.actor, before=row.existing, after=draft, owner_known=owner_known or bool(row.existing))
            except WriteForbidden as refusal:
                row.errors, row.forbidden = _forbidden(refusal), True
                return
        try:
            row.validated = serializer.run_validation(row.data)
        except ValidationError as error:
            errors.update(error_lists(error.detail))
        if errors:
            row.errors = errors
            return
        instance = row.instance = self.build_instance(row)
        model_errors = self.model_validator.full_clean(instance)
        if model_errors:
            row.errors = error_lists(serializers.as_serializer_error(DjangoValidationError(model_errors)))
            return
        try:
            check_write(self.actor, before=None, after=instance)
        except WriteForbidden as refusal:
            row.errors, row.forbidden = _forbidden(refusal), True

    def _bind(self, row: BulkRow) -> serializers.ModelSerializer:
        """Point the shared serializer at this row, as `Serializer(instance, data=row, partial=…)` would.

        An existing record is updated partially: a row names the fields it changes (and the key).
        """
        serializer = self.serializer
        serializer.instance = row.existing
        serializer.partial = row.existing is not None
        serializer.initial_data = row.data
        return serializer

    def build_instance(self, row: BulkRow) -> models.Model:
        """The record as the serializer's create/update builds it (`RegistrySerializer`: the validated
        values on a new or the stored record; many-to-many values set after the save)."""
        many = {field.name for field in self.model._meta.many_to_many}
        row.many = {name: value for name, value in row.validated.items() if name in many}
        plain = {name: value for name, value in row.validated.items() if name not in many}
        if row.existing is None:
            return self.model(**plain)
        for name, value in plain.items():
            setattr(row.existing, name, value)
        return row.existing

    # Writing: only a batch without a bad row gets here.

    def write(self, batch: list[BulkRow]) -> BulkOutcome:
        results = []
        save = self._save_validated if self._writes_like_registry_serializer() else self._save_through_serializer
        for row in batch:
            try:
                instance = save(row)
            except WriteForbidden as refusal:
                return self._abandon(row, _forbidden(refusal), forbidden=True)
            except DjangoValidationError as error:
                return self._abandon(row, error_lists(serializers.as_serializer_error(error)))
            except ValidationError as error:
                return self._abandon(row, error_lists(error.detail))
            except IntegrityError as error:
                return self._abandon(row, error_lists(integrity_error_detail(error)))
            results.append({"index": row.index, "id": instance.pk, "action": row.action})
        return BulkOutcome(results=results, errors=[])

    def _writes_like_registry_serializer(self) -> bool:
        """Whether the serializer saves as `RegistrySerializer` does (full_clean, save, many-to-many)."""
        kind = type(self.serializer)
        return kind.create is RegistrySerializer.create and kind.update is RegistrySerializer.update

    def _save_validated(self, row: BulkRow) -> models.Model:
        """Save the record exactly as validated (what `RegistrySerializer.create`/`update` would do, without
        validating it a second time): `HistoryModel.save` checks the jurisdiction again and writes the history."""
        row.instance.save()
        for name, values in row.many.items():
            getattr(row.instance, name).set(values)
        return row.instance

    def _save_through_serializer(self, row: BulkRow) -> models.Model:
        """A serializer with its own create/update (deriving fields, say) saves through them."""
        serializer = self._bind(row)
        if row.existing is None:
            return serializer.create(row.validated)
        return serializer.update(row.existing, row.validated)

    def _abandon(self, row: BulkRow, errors: dict, *, forbidden: bool = False) -> BulkOutcome:
        """A row refused while writing (the batch changed what an earlier row validated against): undo all."""
        transaction.set_rollback(True)
        return BulkOutcome(results=[], errors=[{"index": row.index, **errors}], forbidden=forbidden)


def _forbidden(refusal: WriteForbidden) -> dict:
    return {refusal.field or FORBIDDEN_KEY: [refusal.message]}


def _cached_lookup(lookup, found: dict):
    def to_internal_value(data):
        if isinstance(data, (str, int)) and not isinstance(data, bool):
            hit = found.get(str(data))
            if hit is not None:
                return hit
        return lookup(data)

    return to_internal_value
