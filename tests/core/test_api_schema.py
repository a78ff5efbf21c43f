"""The OpenAPI schema of /api/docs/ (docs/decisions/0190-api-schema.md): every operation grouped under
its resource with a Chinese summary and never a base class's docstring, ordering labelled in one
language, and the constraints the validation enforces stated, so that a client generating requests
from the schema meets few refusals."""

import inspect
import re

import pytest
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet
from core.schema import CREDIT_CODE_PATTERN, RESOURCES
from tests.core.test_matrix import registered_viewsets

CHINESE = re.compile(r"[\u4e00-\u9fff]")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema():
    with translation.override("zh-hans"):
        return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def request_properties(schema):
    """(operation, field name, field schema) of every field of every request body, refs resolved."""
    for name, operation in operations(schema):
        for content in operation.get("requestBody", {}).get("content", {}).values():
            body = resolve(schema, content["schema"])
            if body.get("type") == "array":
                body = resolve(schema, body["items"])
            for field, field_schema in body.get("properties", {}).items():
                yield name, field, resolve(schema, field_schema)


def test_every_operation_has_its_resource_tag_and_a_chinese_summary(schema):
    for name, operation in operations(schema):
        path = name.split(" ", 1)[1]
        resource = path.removeprefix("/api/v1/").split("/", 1)[0]
        assert operation.get("tags") == [resource], name
        assert CHINESE.search(operation.get("summary") or ""), name
    for tag in schema["tags"]:
        assert tag["name"] in RESOURCES and CHINESE.search(tag["description"]), tag


def test_no_operation_is_described_by_a_base_class_docstring(schema):
    base_docs = {" ".join(cls.__doc__.split()) for cls in (RegistryViewSet, RegistryReadOnlyViewSet)}
    for name, operation in operations(schema):
        assert " ".join(operation.get("description", "").split()) not in base_docs, name


def test_no_component_is_described_by_a_base_or_mixin_docstring(schema):
    """A serializer without its own docstring is not described by its base's or a mixin's (the grade
    mixin's docstring described OrganizationRequest)."""
    inherited = set()
    for _prefix, viewset in registered_viewsets():
        serializer_class = getattr(viewset, "serializer_class", None)
        for base in serializer_class.__mro__[1:] if serializer_class else ():
            doc = base.__dict__.get("__doc__")
            if doc and base.__module__.split(".")[0] not in ("rest_framework", "builtins"):
                inherited.add(inspect.cleandoc(doc))
    for name, component in schema["components"]["schemas"].items():
        assert component.get("description") not in inherited, name


def test_ordering_values_are_labelled_in_the_request_language(schema):
    seen = 0
    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] != "ordering":
                continue
            seen += 1
            description = parameter["description"]
            assert "descending" not in description and "Order by" not in description, name
            for value in parameter["schema"]["items"]["enum"]:
                label = re.search(rf"^\* `{re.escape(value)}` - (.*)$", description, re.M).group(1)
                assert CHINESE.search(label) or label == "ID", (name, value, label)
    assert seen >= 5


def test_ordering_values_are_labelled_in_english_when_asked():
    with translation.override("en"):
        english = SchemaGenerator().get_schema(request=None, public=True)
    for name, operation in operations(english):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "ordering":
                assert not CHINESE.search(parameter["description"]), name


def test_every_choice_set_has_one_readable_name(schema):
    """No collision resolved by a hash (`LevelF47Enum`): ENUM_NAME_OVERRIDES names each shared set."""
    for name in schema["components"]["schemas"]:
        assert not re.search(r"[0-9A-F]{3}Enum$", name), name


def test_credit_codes_state_their_pattern_and_length(schema):
    found = 0
    for name, field, field_schema in request_properties(schema):
        if field == "uscc":
            found += 1
            assert field_schema["pattern"] == CREDIT_CODE_PATTERN, name
            assert field_schema["minLength"] == field_schema["maxLength"] == 18, name
    assert found >= 3  # organizations: POST, PUT, PATCH (and the bulk rows)


def test_every_string_in_a_request_body_has_a_limit_and_every_date_a_format_and_range(schema):
    for name, field, field_schema in request_properties(schema):
        if field_schema.get("type") != "string" or "enum" in field_schema:
            continue
        if field_schema.get("format") == "date":
            assert "1949-10-01" in field_schema.get("description", ""), (name, field)
        elif field_schema.get("format") not in ("decimal", "binary", "date-time"):
            assert "maxLength" in field_schema, (name, field)
        if field == "date" or field.endswith(("_on", "_from", "_until")):
            assert field_schema.get("format") == "date", (name, field)


def test_pages_and_ids_state_their_bounds(schema):
    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}
            elif parameter["name"] == "page":
                assert parameter["schema"]["minimum"] == 1
            elif parameter["name"] == "id" and parameter["in"] == "path":
                assert parameter["schema"]["type"] == "integer", name
