"""The hook through which apps above registry add to its organizations (registry never imports them).

ratings adds an organization's current grade: two filters, an ordering, a column, a list filter, read-only
fields and the ratings shown on an organization's and a filing's page. Each such app describes what it
adds in an `OrganizationExtension`; settings.REGISTRY_ORGANIZATION_EXTENSIONS names them (config knows
every app), and registry builds its organization filter set, serializer, list query and admin from
them. With the setting empty, registry stands alone. docs/decisions/0340-organization-extensions.md.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class OrganizationExtension:
    """What one app adds to organizations. Classes and functions are named by dotted path, imported by the
    registry module that uses them only (the filter set does not load the admin)."""

    # A FilterSet mixin: filters of the organizations list (API, admin, exports).
    filterset: str = ""
    # `function(queryset, day=None)`: the annotations its filters, orderings and fields read, on a day.
    annotate: str = ""
    # (annotation, ordering parameter): what the list may be ordered by (the annotation made by `annotate`).
    orderings: tuple[tuple[str, str], ...] = ()
    # A Serializer mixin of read-only fields of an organization (after registry's own).
    serializer: str = ""
    # A ModelAdmin mixin for organizations, with `organization_columns` (list_display),
    # `organization_list_filters` and `organization_inlines`.
    admin: str = ""
    # Inlines on a community organization filing's page.
    filing_inlines: tuple[str, ...] = ()


@functools.cache
def organization_extensions() -> tuple[OrganizationExtension, ...]:
    return tuple(import_string(path) for path in settings.REGISTRY_ORGANIZATION_EXTENSIONS)


def mixins(part: str) -> tuple[type, ...]:
    """The classes the extensions give for `part` ("filterset", "serializer", "admin"), in settings' order."""
    return tuple(import_string(getattr(ext, part)) for ext in organization_extensions() if getattr(ext, part))


def gathered(classes: tuple[type, ...], attribute: str) -> list:
    """The items of `attribute` (a list) of each class, in order: the admin mixins' columns, filters, inlines."""
    return [item for cls in classes for item in getattr(cls, attribute, ())]


def filing_inlines() -> list[type]:
    return [import_string(path) for ext in organization_extensions() for path in ext.filing_inlines]


def _annotators() -> list[Callable]:
    return [import_string(ext.annotate) for ext in organization_extensions() if ext.annotate]


def annotate_organizations(queryset: QuerySet, day: datetime.date | None = None) -> QuerySet:
    """`queryset` of organizations with every extension's annotations on `day` (default today)."""
    for annotate in _annotators():
        queryset = annotate(queryset, day)
    return queryset


def orderings() -> tuple[tuple[tuple[str, str], ...], dict[str, Callable]]:
    """The extensions' orderings: the (annotation, parameter) pairs, and by parameter the function that
    adds the annotation it orders by (for core.filters.RegistryOrderingFilter)."""
    fields, annotate = [], {}
    for ext in organization_extensions():
        for annotation, parameter in ext.orderings:
            fields.append((annotation, parameter))
            annotate[parameter] = import_string(ext.annotate)
    return tuple(fields), annotate
