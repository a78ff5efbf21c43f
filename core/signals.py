"""History for the writes that do not pass through `HistoryModel.save`: deletes (of an instance or a
queryset, cascades included) and many-to-many changes, checked against the actor's jurisdiction and
recorded like any other change."""

from django.db.models import ManyToManyField, ManyToManyRel
from django.db.models.signals import m2m_changed, post_delete, pre_delete
from django.dispatch import receiver

from core.access import check_write
from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord, HistoryModel


@receiver(pre_delete)
def check_delete_jurisdiction(sender, instance, **kwargs):
    if isinstance(instance, HistoryModel):
        check_write(current_context().resolved_actor(), before=instance, after=None)


@receiver(post_delete)
def record_delete(sender, instance, **kwargs):
    if isinstance(instance, HistoryModel):
        snapshot = instance.history_snapshot()
        ChangeRecord.record(
            instance=instance,
            action=ChangeAction.DELETE,
            changes={name: [value, None] for name, value in snapshot.items()},
        )


def _relation_name(instance, through) -> str | None:
    """The name, on the instance's side, of the many-to-many relation kept in `through`."""
    for field in instance._meta.get_fields():
        if isinstance(field, ManyToManyField) and field.remote_field.through is through:
            return field.name
        if isinstance(field, ManyToManyRel) and field.through is through:
            return field.get_accessor_name()
    return None


def _related_keys(instance, name: str) -> list:
    return sorted(getattr(instance, name).values_list("pk", flat=True))


@receiver(m2m_changed)
def record_many_to_many(sender, instance, action, **kwargs):
    if not isinstance(instance, HistoryModel) or instance.pk is None:
        return
    name = _relation_name(instance, sender)
    if name is None:
        return
    if action.startswith("pre_"):
        check_write(current_context().resolved_actor(), before=instance, after=instance)
        pending = instance.__dict__.setdefault("_history_m2m_before", {})
        pending[name] = _related_keys(instance, name)
        return
    before = instance.__dict__.get("_history_m2m_before", {}).pop(name, None)
    after = _related_keys(instance, name)
    if before is not None and before != after:
        ChangeRecord.record(instance=instance, action=ChangeAction.UPDATE, changes={name: [before, after]})
