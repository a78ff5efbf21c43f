"""Bulk sync (DESIGN §4): a batch of rows keyed by one field (`uscc`, `filing_number`), each created or
updated through the resource's own serializer, all in one transaction, or none.

Every row is validated before any is written: the serializer (normalisation of the key, related records
by code, field rules), the model's full validation and the jurisdiction check (the same
`core.access.check_write` that `HistoryModel.save` calls). Only a batch without a bad row is written,
row by row: each record exactly as validated, through `HistoryModel.save` (the jurisdiction checked
again, the history written with source `bulk`), or through the serializer's own `create`/`update` when
it has them. The admin's imports run the same engine with source `import`. See
docs/decisions/0041-bulk-sync-validate-then-write.md.

To give a resource `POST <resource>/bulk/`, put `BulkSyncMixin` before `RegistryViewSet` and name the key:

    class CommunityOrganizationViewSet(BulkSyncMixin, RegistryViewSet):
        bulk_key = "filing_number"   # rows without it are created (the serializer makes the number)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, models, router, transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.relations import PrimaryKeyRelatedField, SlugRelatedField
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core import outbox
from core.access import WriteForbidden, check_write
from core.api.serializers import RegistrySerializer
from core.choices import ChangeSource
from core.context import change_context
from core.exceptions import PayloadTooLarge, integrity_error_detail
from core.filters import StrictBooleanField, normalise_text
from core.parsers import RegistryJSONParser

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


class BatchModelValidator:
    """`Model.full_clean()` for many records of one batch, with the verdicts that depend only on values
    remembered, so validating 1,000 rows does not cost 1,000 times the same queries:

    - a foreign key's existence (`ForeignKey.validate`, one query each) per (field, value);
    - a check constraint (`CheckConstraint.validate`, a query each) per values of the fields it reads;
    - the uniqueness of the batch's key is not checked again: the batch looked every key up already
      (and the database still refuses a duplicate).

    Everything else (`clean_fields`, `clean`, other unique checks and constraints) runs per record.
    """

    def __init__(self, *, key: str):
        self.key = key
        self._foreign_keys: dict = {}
        self._checks: dict = {}

    def full_clean(self, instance: models.Model) -> dict:
        """The record's errors by field (empty when it is valid)."""
        foreign_keys = [field for field in instance._meta.concrete_fields if field.many_to_one or field.one_to_one]
        errors: dict = {}
        try:
            instance.full_clean(
                exclude=[field.name for field in foreign_keys], validate_unique=False, validate_constraints=False
            )
        except DjangoValidationError as error:
            errors = error.update_error_dict(errors)
        for field in foreign_keys:
            raw = getattr(instance, field.attname)
            if field.blank and raw in field.empty_values:
                continue
            try:
                setattr(instance, field.attname, self._clean_foreign_key(field, raw, instance))
            except DjangoValidationError as error:
                errors.setdefault(field.name, []).extend(error.error_list)
        exclude = set(errors)
        try:
            instance.validate_unique(exclude=exclude | {self.key})
        except DjangoValidationError as error:
            errors = error.update_error_dict(errors)
        using = router.db_for_write(type(instance), instance=instance)
        for model_class, constraints in instance.get_constraints():
            for constraint in constraints:
                if self._is_key_uniqueness(constraint):
                    continue
                try:
                    self._validate_constraint(constraint, model_class, instance, exclude, using)
                except DjangoValidationError as error:
                    fields = getattr(constraint, "fields", ())
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)  # as Model.validate_constraints does
                    else:
                        errors = error.update_error_dict(errors)
        return errors

    def _clean_foreign_key(self, field, raw, instance):
        try:
            memo_key = (field, raw)
            hash(memo_key)
        except TypeError:
            return field.clean(raw, instance)
        if memo_key not in self._foreign_keys:
            try:
                self._foreign_keys[memo_key] = (field.clean(raw, instance), None)
            except DjangoValidationError as error:
                self._foreign_keys[memo_key] = (None, error)
        value, error = self._foreign_keys[memo_key]
        if error is not None:
            raise error
        return value

    def _validate_constraint(self, constraint, model_class, instance, exclude, using) -> None:
        condition = getattr(constraint, "condition", None)
        if not isinstance(constraint, models.CheckConstraint) or not isinstance(condition, models.Q):
            constraint.validate(model_class, instance, exclude=exclude, using=using)
            return
        names = condition.referenced_base_fields
        if names & exclude:
            return  # as Django does: a constraint on a field that already has an error is not checked
        meta = model_class._meta
        try:
            values = tuple(
                getattr(instance, meta.pk.attname if name == "pk" else meta.get_field(name).attname)
                for name in sorted(names)
            )
            memo_key = (constraint.name, values)
            hash(memo_key)
        except (FieldDoesNotExist, TypeError):
            constraint.validate(model_class, instance, exclude=exclude, using=using)
            return
        if memo_key not in self._checks:
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
                self._checks[memo_key] = None
            except DjangoValidationError as error:
                self._checks[memo_key] = error
        if self._checks[memo_key] is not None:
            raise self._checks[memo_key]

    def _is_key_uniqueness(self, constraint) -> bool:
        """The key unique as stored, or ignoring case (Upper(key)): keys are looked up normalised."""
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            return False
        if constraint.expressions:
            return len(constraint.expressions) == 1 and constraint.expressions[0] == Upper(self.key)
        return tuple(constraint.fields) == (self.key,)


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


BulkResultSerializer = inline_serializer(
    "BulkResult",
    {
        "results": serializers.ListField(
            child=inline_serializer(
                "BulkResultRow",
                {
                    "index": serializers.IntegerField(),
                    "id": serializers.IntegerField(),
                    "action": serializers.ChoiceField(choices=[CREATED, UPDATED]),
                },
            )
        )
    },
)
BulkErrorsSerializer = inline_serializer(
    "BulkErrors",
    {
        "errors": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy('Every bad row: {"index": 317, "<field>": ["message", ...]}.'),
        )
    },
)

# A 400 is the rows' errors, or an error about the whole body (not a list; not JSON).
BulkBadRequestSerializer = PolymorphicProxySerializer(
    component_name="BulkBadRequest",
    serializers=[
        BulkErrorsSerializer,
        inline_serializer("BulkBodyError", {ROW_ERRORS_KEY: serializers.ListField(child=serializers.CharField())}),
        inline_serializer("BulkParseError", {"detail": serializers.CharField()}),
    ],
    resource_type_field_name=None,
)


# `POST <resource>/bulk/` on a RegistryViewSet: a JSON list of at most REGISTRY_BULK_MAX_ROWS rows keyed by
# `bulk_key`; 200 `{"results": [...]}`, or 400/403 `{"errors": [...]}` and nothing written, or 413 for too
# many rows (DESIGN §4). (A comment, not a docstring: the OpenAPI schema would show it on every operation.)
class BulkSyncMixin:
    bulk_key: str | None = None
    # `?dry_run=true`: validate everything and answer what the batch would give, writing nothing.
    write_query_parameters = {"bulk": frozenset({"dry_run"})}
    # A resource keyed by more than one field (annual reports: organization and year) names its own.
    bulk_sync_class: type[BulkSync] = BulkSync

    def get_bulk_key(self) -> str:
        """`bulk_key` of the viewset, else `Meta.bulk_key` of its serializer."""
        key = self.bulk_key or getattr(getattr(self.get_serializer_class(), "Meta", None), "bulk_key", None)
        if not key:
            raise ImproperlyConfigured(f"{type(self).__name__} names no bulk_key")
        return key

    def get_bulk_queryset(self) -> models.QuerySet:
        """Where rows are looked up by key, locked with SELECT … FOR UPDATE until the batch is written: the
        viewset's base queryset (its select_related), without the list's annotations and prefetches."""
        if self.queryset is not None:
            return self.queryset.all()
        return self.get_queryset()

    def get_serializer(self, *args, **kwargs):
        if getattr(self, "swagger_fake_view", False) and getattr(self, "action", None) == "bulk":
            kwargs["many"] = True  # so the schema shows the request body as a list of rows
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        responses={200: BulkResultSerializer, 400: BulkBadRequestSerializer, 403: BulkErrorsSerializer, 413: None},
        description="Create or update up to REGISTRY_BULK_MAX_ROWS rows in one transaction (docs/api.md).",
        parameters=[
            OpenApiParameter(
                "dry_run",
                bool,
                description="true: validate every row and answer what the batch would give (`id` null for rows "
                "that would be created), writing nothing.",
            )
        ],
    )
    @action(detail=False, methods=["post"], url_path="bulk", parser_classes=[RegistryJSONParser])
    def bulk(self, request, *args, **kwargs):
        limit = settings.REGISTRY_BULK_MAX_ROWS
        too_many = _("At most %(limit)d rows per request.") % {"limit": limit}
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge(too_many)
        try:
            dry_run = bool(StrictBooleanField(required=False).clean(request.query_params.get("dry_run")))
        except forms.ValidationError as error:
            raise ValidationError({"dry_run": error.messages}) from None
        rows = request.data
        if not isinstance(rows, list):
            raise ValidationError({ROW_ERRORS_KEY: [_("Send a JSON list of rows.")]})
        if len(rows) > limit:
            raise PayloadTooLarge(f"{too_many} ({len(rows)})")
        outcome = self.bulk_sync_class(
            serializer=self.get_serializer(),
            queryset=self.get_bulk_queryset(),
            key=self.get_bulk_key(),
            actor=request.user,
            source=ChangeSource.BULK,
        ).run(rows, commit=not dry_run)
        if not outcome.ok:
            code = status.HTTP_403_FORBIDDEN if outcome.forbidden else status.HTTP_400_BAD_REQUEST
            return Response({"errors": outcome.errors}, status=code)
        return Response({"results": outcome.results})
