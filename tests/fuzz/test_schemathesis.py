"""Fuzzing: every operation of the API's own OpenAPI schema (/api/schema/), driven by schemathesis
through the WSGI application with a clerk token. No request may end in a 5xx, and every response
must match what the schema says about it (body schema, content type).

Bounded and deterministic so CI runs it on both databases in a few minutes: a fixed seed,
derandomised Hypothesis, no example database, FUZZ_MAX_EXAMPLES cases per operation (default 8).
Path identifiers point at records made by the fixture, so updates and status actions are fuzzed on
real rows rather than answered 404.
"""

import datetime
import os

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, seed
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from core.choices import Role
from ratings.models import Honour
from tests.conftest import api_client_for, make_organization, make_user
from tests.evaluations.builders import make_objection
from tests.platforms.builders import assess, fund, incubate, make_centre, rate
from tests.ratings.builders import make_evaluation
from tests.registry.builders import make_annual_report, make_credit_entry, make_filing, make_party_organization
from tests.supervision.builders import make_deadline, make_proposal

SEED = 20230615
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


class InProcessWSGI:
    """The project's WSGI application, run inside the test's database transaction.

    A real server closes the database connection after each request (close_old_connections); here
    that would end the test's transaction, so, like Django's test client, the receivers are held off
    while a request runs. Streamed responses (exports) are read to the end inside that window.
    """

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            result = self.handler(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                getattr(result, "close", lambda: None)()
            return [body]
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def existing_records() -> dict[str, object]:
    """One record of each resource the API addresses by id (keyed by the path's first segment), so
    positive cases of detail, update and status operations reach a real row. A resource missing
    here is still fuzzed, with generated ids (mostly 404s)."""
    organization = make_organization(name="模糊测试社会组织(演示)")
    platform = make_centre()
    return {
        "divisions": "330212",
        "organizations": organization.pk,
        "community-organizations": make_filing().pk,
        "annual-reports": make_annual_report(organization).pk,
        "credit-list-entries": make_credit_entry(organization).pk,
        "party-organizations": make_party_organization(organization).pk,
        "platforms": platform.pk,
        "platform-assessments": assess(platform, datetime.date(2022, 6, 1)).pk,
        "platform-ratings": rate(platform, 2022, 3).pk,
        "platform-funding": fund(platform, 2022, "100000.00").pk,
        "platform-incubations": incubate(platform, organization, datetime.date(2021, 3, 1)).pk,
        "evaluations": make_evaluation(organization).pk,
        "honours": Honour.objects.create(kind="provincial_brand", year=2022, organization=organization).pk,
        "report-deadlines": make_deadline(year=2023, deadline=datetime.date(2024, 6, 30)).pk,
        "supervision-proposals": make_proposal(organization).pk,
        **evaluation_procedure_records(),
    }


def evaluation_procedure_records() -> dict[str, int]:
    objection = make_objection()
    application = objection.application
    return {
        "evaluation-rounds": application.round_id,
        "evaluation-applications": application.pk,
        "objections": objection.pk,
    }


def operation_labels() -> list[tuple[str, str]]:
    """(method, path) of every operation, read from the schema generator at collection time."""
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    methods = {"get", "post", "put", "patch", "delete"}
    return [(method.upper(), path) for path, item in sorted(paths.items()) for method in item if method in methods]


@pytest.fixture(scope="session")
def api_schema():
    """The schema as the application serves it at /api/schema/ (fetched once, anonymously)."""
    with override_settings(ALLOWED_HOSTS=["localhost", "testserver"]):
        return schemathesis.openapi.from_wsgi("/api/schema/?format=json", InProcessWSGI())


@pytest.fixture
def clerk_headers(db, settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    return {"Authorization": f"Token {api_client_for(make_user(Role.CLERK)).token_key}"}


def fixed_path_parameters(path: str, records: dict[str, object]) -> dict[str, object]:
    """Point {id} (or a division's {code}) at the record of the resource the path names."""
    resource = path.removeprefix("/api/v1/").split("/", 1)[0]
    if resource not in records:
        return {}
    return {"code" if "{code}" in path else "id": records[resource]}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("method", "path"), operation_labels())
def test_api_never_fails_and_answers_as_its_schema_says(api_schema, clerk_headers, method, path, mode):
    operation = api_schema[path][method]
    # Positive cases address real rows; negative ones may also break the path itself.
    fixed = fixed_path_parameters(path, existing_records()) if mode == GenerationMode.POSITIVE else {}
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

    @seed(SEED)
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def exchange(case):
        case.call_and_validate(headers=clerk_headers, checks=CHECKS)

    try:
        exchange()
    except Unsatisfiable:
        if mode == GenerationMode.POSITIVE:
            raise
        pytest.skip("the operation takes nothing that can be made invalid")
