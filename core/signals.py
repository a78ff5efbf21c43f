"""Deletes of history-keeping models, however they are made (instance, queryset, cascade), are
checked against the actor's jurisdiction and recorded like any other change.

Many-to-many changes are recorded by the app that owns the relation, on the record that owns it
(procurement/signals.py, registry.services.party_organization_save): see
docs/decisions/0001-change-history.md."""

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from core.access import check_write
from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord, HistoryModel
from core.models.history import record_link_changes


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
        record_link_changes(instance, instance.loaded_values(), deleted=True)
