"""A change record as people read it: each field by its verbose name, values by their labels, related
records by their names."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext


def _display_value(field, value):
    if value is None or value == "":
        return "—"
    if field is not None and field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return value


def describe_changes(model, changes: dict) -> list[tuple[str, object, object]]:
    """(field label, old, new) for each changed field, in the language of the page; a reference to
    another record by that record's name (and credit code), not its key."""
    rows = []
    for name, (old, new) in (changes or {}).items():
        try:
            field = model._meta.get_field(name) if model is not None else None
            label = str(getattr(field, "verbose_name", name))
        except FieldDoesNotExist:
            field, label = None, name
        concrete = field if getattr(field, "concrete", False) else None
        if concrete is not None and concrete.many_to_one:
            names = _names_of(concrete.related_model, [old, new])
            old, new = names.get(old, old), names.get(new, new)
        rows.append((label, _display_value(concrete, old), _display_value(concrete, new)))
    return rows


def _names_of(model, keys) -> dict:
    """The records of `model` with these keys, each as a person names it: "name（credit code）" or its str()."""
    keys = [key for key in keys if key not in (None, "")]
    try:
        records = model._default_manager.filter(pk__in=keys)
        return {record.pk: _name_of(record) for record in records} | {
            str(record.pk): _name_of(record) for record in records
        }
    except (ValueError, ValidationError):  # a key of another shape than the model's: shown as recorded
        return {}


def _name_of(record) -> str:
    uscc = getattr(record, "uscc", "")
    return f"{record}（{uscc}）" if uscc else str(record)
