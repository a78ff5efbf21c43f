"""Role × resource × method: generated from the API routers of every app, so a resource added later is
covered without touching this file (its app registers a builder: tests/core/matrix_builders.py).

For every case the status code is asserted, and after every refusal that nothing changed: no change
record was written, no record was added, and the addressed record is as it was. The plain views of the
API (statistics, procurement totals), found from the URL configuration, are read by every role and
written by none.
"""

from __future__ import annotations

import dataclasses
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.forms.models import model_to_dict
from rest_framework.permissions import SAFE_METHODS

from core.choices import Role
from core.models import ChangeRecord, HistoryModel
from tests.conftest import api_client_for, make_user
from tests.core.matrix_builders import OTHER_DISTRICT, OWN_DISTRICT, OWN_TOWNSHIP, load_all

pytestmark = pytest.mark.django_db

BUILDERS = load_all()


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who calls, and which district's record they address."""

    name: str
    role: str | None
    read_only: bool = False
    target_district: str = OWN_DISTRICT

    @property
    def writes(self) -> bool:
        return self.role in {Role.CLERK, Role.DISTRICT, Role.TOWNSHIP} and not self.read_only


ACTORS = [
    Actor("anonymous", None),
    Actor("clerk", Role.CLERK),
    Actor("clerk_read_only_token", Role.CLERK, read_only=True),
    Actor("auditor", Role.AUDITOR),
    Actor("district_own_record", Role.DISTRICT),
    Actor("district_other_record", Role.DISTRICT, target_district=OTHER_DISTRICT),
    # A township filing desk of 下应街道, the first township of the district client's 鄞州区 (DESIGN §9).
    Actor("township_own_record", Role.TOWNSHIP),
    Actor("township_other_record", Role.TOWNSHIP, target_district=OTHER_DISTRICT),
]


@dataclasses.dataclass(frozen=True)
class Case:
    prefix: str
    viewset: type
    name: str  # list, retrieve, create, update, partial_update, move, destroy, or an extra action's name
    method: str
    detail: bool
    url_path: str = ""
    clerk_only: bool = False
    supported: bool = True
    # `link` (PATCH) and `create_link` (POST): the guarded link set, to a record of `link_district`.
    link: str = ""
    link_district: str = ""

    @property
    def label(self) -> str:
        label = f"{self.prefix}-{self.name}-{self.method}"
        return (
            f"{label}-{self.link}-to-{'own' if self.link_district == OWN_DISTRICT else 'other'}" if self.link else label
        )

    @property
    def model(self):
        queryset = getattr(self.viewset, "queryset", None)
        return queryset.model if queryset is not None else None

    def url(self, instance=None) -> str:
        url = f"/api/v1/{self.prefix}/"
        if self.detail:
            lookup = getattr(self.viewset, "lookup_field", "pk")
            url += f"{getattr(instance, lookup)}/"
        return url + (f"{self.url_path}/" if self.url_path else "")


def registered_viewsets():
    """(prefix, viewset) of every router of every project app (`<app>/api/urls.py: router`)."""
    found = []
    for config in apps.get_app_configs():
        if not str(config.path).startswith(str(settings.BASE_DIR)):
            continue
        try:
            module = importlib.import_module(f"{config.name}.api.urls")
        except ModuleNotFoundError:
            continue
        router = getattr(module, "router", None)
        for prefix, viewset, _basename in getattr(router, "registry", []):
            found.append((prefix, viewset))
    return found


def cases_of(prefix: str, viewset) -> list[Case]:
    allowed = set(getattr(viewset, "http_method_names", []))

    def supports(method: str, handler: str) -> bool:
        return method.lower() in allowed and hasattr(viewset, handler)

    cases = [Case(prefix, viewset, "list", "GET", detail=False)]
    has_model = getattr(viewset, "queryset", None) is not None
    cases.append(Case(prefix, viewset, "create", "POST", detail=False, supported=supports("POST", "create")))
    if has_model:
        cases += [
            Case(prefix, viewset, "retrieve", "GET", detail=True),
            Case(prefix, viewset, "update", "PUT", detail=True, supported=supports("PUT", "update")),
            Case(
                prefix, viewset, "partial_update", "PATCH", detail=True, supported=supports("PATCH", "partial_update")
            ),
        ]
        if supports("PATCH", "partial_update"):
            cases.append(Case(prefix, viewset, "move", "PATCH", detail=True))
        cases += [
            Case(prefix, viewset, "destroy", "DELETE", detail=True, supported=supports("DELETE", "destroy")),
        ]
        for link in getattr(viewset.queryset.model, "guarded_links", ()):
            for district in (OWN_DISTRICT, OTHER_DISTRICT):
                if supports("PATCH", "partial_update"):
                    cases.append(Case(prefix, viewset, "link", "PATCH", True, link=link, link_district=district))
                if supports("POST", "create"):
                    cases.append(Case(prefix, viewset, "create_link", "POST", False, link=link, link_district=district))
    for extra in viewset.get_extra_actions():
        for method in extra.mapping:
            cases.append(
                Case(
                    prefix,
                    viewset,
                    extra.__name__,
                    method.upper(),
                    detail=extra.detail,
                    url_path=extra.url_path,
                    clerk_only=bool(getattr(extra, "reinstates", False)),  # core.api.views.status_action
                )
            )
    return cases


CASES = [case for prefix, viewset in registered_viewsets() for case in cases_of(prefix, viewset)]


def expected_status(case: Case, actor: Actor) -> int:
    if actor.role is None:
        return 401
    readers = getattr(case.viewset, "reader_roles", None)
    if readers is not None and actor.role not in readers:
        return 403
    if getattr(case.viewset, "owners_read", False) and actor.role not in case.viewset.all_readers:
        if case.method in SAFE_METHODS:  # their own entries: the list; the builder's record is not theirs
            return 403 if case.detail else 200
    if case.method in SAFE_METHODS:
        # Records seen by whoever made them and by clerks only (long exports): the matrix's record is another's.
        owner_only = getattr(case.viewset, "owner_only", False) and case.detail
        return 403 if owner_only and actor.role != Role.CLERK else 200
    if case.name == "create" and getattr(case.viewset, "posts_are_reads", False):
        return getattr(case.viewset, "create_status", 201)  # asking for a file reads: every role may
    if not actor.writes:
        return 403
    if not case.supported:
        return 405
    if case.clerk_only and actor.role != Role.CLERK:
        return 403
    builder = BUILDERS.get(case.model) if case.model is not None else None
    if actor.role == Role.TOWNSHIP and (builder is None or not builder.township_writes):
        return 403  # a township desk writes filings only
    if actor.role == Role.TOWNSHIP and (actor.target_district != OWN_DISTRICT or case.name == "move" or case.link):
        return 403  # another township's filing, a move out of its township, a link to an organization
    if actor.role == Role.DISTRICT and builder is not None and builder.city_only:
        return 403  # a city record: outside every district
    if actor.role == Role.DISTRICT and (actor.target_district != OWN_DISTRICT or case.name == "move"):
        return 403  # another district's record, or moving its own record out of the district
    if actor.role == Role.DISTRICT and case.link and case.link_district != OWN_DISTRICT:
        return 403  # a guarded link to another district's record
    if case.name in {"create", "create_link"}:
        return 201
    return builder.action_status.get(case.name, 200) if builder is not None else 200


def client_for(actor: Actor):
    from rest_framework.test import APIClient

    if actor.role is None:
        return APIClient()
    district = OWN_DISTRICT if actor.role == Role.DISTRICT else None
    township = OWN_TOWNSHIP if actor.role == Role.TOWNSHIP else None
    user = make_user(actor.role, district=district, township=township, staff=actor.role != Role.DISTRICT)
    return api_client_for(user, read_only=actor.read_only)


def state_of(instance):
    if instance is None:
        return None
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    if isinstance(fresh, HistoryModel):
        return fresh.history_snapshot()
    return model_to_dict(fresh)


def body_for(case: Case, builder, instance, actor: Actor, expected: int):
    """The request body of the case, or None when the builder cannot make one (the case is skipped)."""
    if case.method in SAFE_METHODS or case.name == "destroy":
        return None, None
    # A refusal decided before the body is read (401, 403 by role, 405) needs no real body; a district
    # client's create or move is refused BECAUSE of the body, so it needs the real one.
    body_matters = case.supported and (
        expected < 400
        or (actor.role in {Role.DISTRICT, Role.TOWNSHIP} and case.name in {"create", "move", "link", "create_link"})
    )
    missing = f"no {{}} in the matrix builder of {case.model.__name__ if case.model else case.prefix}"
    if case.link:
        link = builder.links.get(case.link) if builder is not None else None
        if link is not None and case.name == "create_link" and link.no_create:
            return None, f"a new {case.model.__name__} cannot carry {case.link}: {link.no_create}"
        make_body = None if link is None else link.patch if case.name == "link" else link.create
        if make_body is None:
            return (None, missing.format(f"links[{case.link!r}]")) if body_matters else ({}, None)
        if case.name == "link":
            return make_body(instance, case.link_district), None
        return make_body(actor.target_district, case.link_district), None
    if case.name == "create":
        if builder is None or builder.create_payload is None:
            return (None, missing.format("create_payload")) if body_matters else ({}, None)
        return builder.create_payload(actor.target_district), None
    if case.name == "move":
        if builder is not None and builder.cannot_move:
            return None, f"{case.model.__name__} records never move: {builder.cannot_move}"
        if builder is None or builder.move_payload is None:
            return (None, missing.format("move_payload")) if body_matters else ({}, None)
        destination = OTHER_DISTRICT if actor.target_district == OWN_DISTRICT else OWN_DISTRICT
        return builder.move_payload(instance, destination), None
    if case.name in {"partial_update", "update"}:
        if builder is None or builder.patch_payload is None:
            return (None, missing.format("patch_payload")) if body_matters else ({}, None)
        if case.name == "partial_update":
            return builder.patch_payload(instance), None
        if builder.put_payload is not None:
            return builder.put_payload(instance), None
        representation = client_for(Actor("clerk", Role.CLERK)).get(case.url(instance)).json()
        writable = {name for name, field in case.viewset.serializer_class().fields.items() if not field.read_only}
        body = {name: value for name, value in representation.items() if name in writable}
        body.update(builder.patch_payload(instance))
        return body, None
    make_body = builder.actions.get(case.name) if builder is not None else None
    if make_body is None:
        return (None, missing.format(f"actions[{case.name!r}]")) if body_matters else ({}, None)
    # A detail action's body is made for the record; a list-level one (bulk) for the target district.
    return make_body(instance if case.detail else actor.target_district), None


@pytest.mark.parametrize("actor", ACTORS, ids=[actor.name for actor in ACTORS])
@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_matrix(case: Case, actor: Actor):
    builder = BUILDERS.get(case.model) if case.model is not None else None
    owners_only = getattr(case.viewset, "roles_tested_in", None)
    if owners_only and (case.detail or actor.writes):
        # A client's own settings (webhooks), not a district's records: no district rule, no history.
        pytest.skip(f"{case.prefix}: each client's own records; its roles are tested in {owners_only}")
    if case.model is not None and builder is None and (case.detail or actor.writes):
        pytest.skip(
            f"No matrix builder for {case.model._meta.label}: register one in "
            f"tests/{case.model._meta.app_label}/matrix_builders.py (see tests/core/matrix_builders.py)."
        )
    instance = builder.make(actor.target_district) if case.detail and builder is not None else None
    expected = expected_status(case, actor)
    body, missing = body_for(case, builder, instance, actor, expected)
    if missing:
        pytest.skip(f"{case.prefix} {case.name}: {missing}")
    client = client_for(actor)

    records_before = ChangeRecord.objects.count()
    rows_before = case.model._base_manager.count() if case.model is not None else None
    state_before = state_of(instance)

    response = client.generic(case.method, case.url(instance), data=_json(body), content_type="application/json")

    assert response.status_code == expected, (case, actor.name, response.content[:500])
    if expected >= 400:
        assert ChangeRecord.objects.count() == records_before, "a refused request wrote history"
        if case.model is not None:
            assert case.model._base_manager.count() == rows_before, "a refused request added a record"
        assert state_of(instance) == state_before, "a refused request changed the record"
    elif case.method not in SAFE_METHODS and not getattr(case.viewset, "posts_are_reads", False):
        assert ChangeRecord.objects.count() > records_before, "a write left no change record"


def _json(body):
    import json

    return "" if body is None else json.dumps(body)


def plain_api_views() -> list[str]:
    """The paths of the API served by a plain APIView (figures, not records: statistics, procurement
    totals), found from the URL configuration, so a view added later is covered too."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.views import APIView

    def walk(patterns, prefix: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view is not None and issubclass(view, APIView) and not getattr(pattern.callback, "actions", None):
                    yield prefix + str(pattern.pattern)

    return sorted("/" + route for route in walk(get_resolver().url_patterns, "") if route.startswith("api/v1/"))


def test_the_plain_views_are_found():
    assert {"/api/v1/stats/", "/api/v1/procurement-totals/"} <= set(plain_api_views())


@pytest.mark.parametrize("path", plain_api_views())
@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.name)
def test_plain_views_are_read_by_every_role_and_written_by_none(path, actor):
    client = client_for(actor)
    records_before = ChangeRecord.objects.count()
    assert client.get(path).status_code == (401 if actor.role is None else 200), (path, actor.name)
    # A write: refused for want of a token, of the right to write (read-only tokens, auditors), or,
    # for those who may write elsewhere, because these views take none.
    refused = 401 if actor.role is None else 405 if actor.writes else 403
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        response = client.generic(method, path, data="{}", content_type="application/json")
        assert response.status_code == refused, (path, actor.name, method)
    assert ChangeRecord.objects.count() == records_before
