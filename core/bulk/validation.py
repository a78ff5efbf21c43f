"""A model's full validation for many records of one batch, each verdict that depends only on values
computed once."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, router
from django.db.models.functions import Upper


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
