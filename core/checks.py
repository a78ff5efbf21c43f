"""System checks that keep later apps on the history rails."""

from django.apps import apps
from django.core import checks


@checks.register()
def history_managers(app_configs=None, **kwargs):
    """Every manager of a history-keeping model must build a HistoryQuerySet, or its queryset
    `update()` and `bulk_create()` would write without a change record."""
    from core.models import HistoryModel
    from core.models.history import HistoryQuerySet

    errors = []
    for model in apps.get_models():
        if not issubclass(model, HistoryModel):
            continue
        for manager in model._meta.managers:
            if not issubclass(manager._queryset_class, HistoryQuerySet):
                errors.append(
                    checks.Error(
                        f"{model._meta.label}.{manager.name} does not build a core.models.history.HistoryQuerySet.",
                        hint="Derive the manager from core.models.history.HistoryManager "
                        "(or HistoryQuerySet.as_manager()), so bulk writes keep the change history.",
                        obj=model,
                        id="core.E001",
                    )
                )
    return errors
