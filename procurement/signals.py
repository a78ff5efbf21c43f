"""Changes to the organizations that took a transferred function are part of that function's history.

A many-to-many change bypasses `HistoryModel.save`, so it is checked and recorded here, whichever
door it comes through (admin, API, shell) and from whichever side (function or organization), and
the function's `last_updated` moves so incremental sync sees it.

When core records many-to-many changes itself (`core.signals.record_many_to_many`, from the access
work), it records a change made from the function's side on the function; this handler then records
only changes made from the organization's side (which core records on the organization), so no
change is recorded twice (docs/decisions/0054-receiving-organizations-history.md).
"""

from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from core import signals as core_signals
from core.access import check_write
from core.choices import ChangeAction
from core.context import current_context
from core.models import ChangeRecord
from procurement.models import TransferredFunction

FIELD = "receiving_organizations"
CORE_RECORDS_OWN_SIDE = hasattr(core_signals, "record_many_to_many")


def _receivers(function_ids) -> dict[int, list[int]]:
    through = TransferredFunction.receiving_organizations.through
    current: dict[int, list[int]] = {pk: [] for pk in function_ids}
    rows = through.objects.filter(transferredfunction_id__in=function_ids).order_by("organization_id")
    for function_id, organization_id in rows.values_list("transferredfunction_id", "organization_id"):
        current[function_id].append(organization_id)
    return current


def _functions_touched(instance, reverse: bool, pk_set) -> list[int]:
    if not reverse:
        return [instance.pk]
    if pk_set is None:  # clear() from the organization's side
        return list(instance.transferred_functions.values_list("pk", flat=True))
    return list(pk_set)


@receiver(m2m_changed, sender=TransferredFunction.receiving_organizations.through)
def record_receivers_change(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_"):
        function_ids = _functions_touched(instance, reverse, pk_set)
        actor = current_context().resolved_actor()
        for function in TransferredFunction.objects.filter(pk__in=function_ids).select_related("department"):
            check_write(actor, before=function, after=function)
        instance._receivers_before = _receivers(function_ids)
        return
    before = getattr(instance, "_receivers_before", None)
    if before is None:
        return
    del instance._receivers_before
    after = _receivers(before)
    changed = [pk for pk in before if before[pk] != after[pk]]
    if not changed:
        return
    TransferredFunction.objects.filter(pk__in=changed).update(last_updated=timezone.now())
    if CORE_RECORDS_OWN_SIDE and not reverse:
        return
    for function in TransferredFunction.objects.filter(pk__in=changed):
        ChangeRecord.record(
            instance=function,
            action=ChangeAction.UPDATE,
            changes={FIELD: [before[function.pk], after[function.pk]]},
        )
