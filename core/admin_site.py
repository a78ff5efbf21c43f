"""The admin site: its index and sidebar list the sections in the order of a clerk's day
(settings.ADMIN_SECTIONS), not alphabetically by the apps' Chinese names."""

from django.conf import settings
from django.contrib import admin


class RegistryAdminSite(admin.AdminSite):
    def get_app_list(self, request, app_label=None):
        apps = {app["app_label"]: app for app in super().get_app_list(request, app_label)}
        sections = []
        for label, title, model_names in settings.ADMIN_SECTIONS:
            app = apps.get(label)
            if app is None:
                continue
            models = {model["object_name"]: model for model in app["models"]}
            chosen = [models[name] for name in model_names if name in models] if model_names else []
            rest = [model for model in app["models"] if model not in chosen]
            if title is None:  # the app's own section: its named models first, then the rest
                sections.append({**app, "models": chosen + [m for m in rest if not _claimed(label, m)]})
            elif chosen:  # a section of its own for a few of the app's models
                sections.append({**app, "name": title, "models": chosen})
        listed = {label for label, _title, _models in settings.ADMIN_SECTIONS}
        sections += [app for label, app in apps.items() if label not in listed]
        return sections


def _claimed(label: str, model: dict) -> bool:
    """Whether a model is shown in a section of its own (then not again in its app's section)."""
    return any(
        title is not None and model["object_name"] in names
        for app_label, title, names in settings.ADMIN_SECTIONS
        if app_label == label
    )
