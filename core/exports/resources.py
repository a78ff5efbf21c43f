"""Which API list serves a model: the admin exports (and imports) through the same viewset, serializer and
queryset as the API, so a file from the admin has the API export's columns, and a list added to the API
later is picked up without configuration."""

from __future__ import annotations

import dataclasses
import functools

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.request import Request


@dataclasses.dataclass(frozen=True)
class ApiResource:
    name: str  # the list's URL segment: "organizations", "community-organizations"
    viewset_class: type

    def viewset_for(self, request, *, action: str = "list"):
        """An instance of the viewset bound to a (Django or DRF) request, as the router would make it."""
        viewset = self.viewset_class()
        if not isinstance(request, Request):
            user = request.user
            request = Request(request)
            request.user = user  # the admin's session user, not DRF's authenticators
        viewset.request = request
        viewset.args = ()
        viewset.kwargs = {}
        viewset.action = action
        viewset.format_kwarg = None
        viewset.headers = {}
        return viewset


def _list_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _list_patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            actions = getattr(pattern.callback, "actions", None) or {}
            if actions.get("get") == "list" and getattr(pattern.callback, "cls", None) is not None:
                yield str(pattern.pattern), pattern.callback.cls


@functools.cache
def _resources_by_model() -> dict:
    found = {}
    for route, viewset_class in _list_patterns(get_resolver().url_patterns):
        queryset = getattr(viewset_class, "queryset", None)
        if queryset is None or not hasattr(viewset_class, "export_fields"):
            continue  # not a list of the registry that exports (the job queue's exports, webhooks)
        segment = route.lstrip("^").rstrip("$").rstrip("/").rsplit("/", 1)[-1]
        found.setdefault(queryset.model, ApiResource(name=segment, viewset_class=viewset_class))
    return found


def api_resource_for(model) -> ApiResource | None:
    """The API list of `model` (the first one the URL configuration declares), or None."""
    return _resources_by_model().get(model)


def record_code_field(model) -> str | None:
    """The field by which people name a record of `model` in files: the key its API list syncs by
    (an organization's credit code, a filing's number), or None (then its key, as divisions' codes are)."""
    resource = api_resource_for(model)
    if resource is None:
        return None
    viewset = resource.viewset_class
    serializer_class = getattr(viewset, "serializer_class", None)
    return getattr(viewset, "bulk_key", None) or getattr(getattr(serializer_class, "Meta", None), "bulk_key", None)


def api_resource_named(name: str) -> ApiResource | None:
    """The API list whose URL segment is `name` ("organizations"), or None."""
    return next((resource for resource in _resources_by_model().values() if resource.name == name), None)
