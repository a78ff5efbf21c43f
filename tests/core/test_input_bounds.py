"""Every date and every text the API writes has a range (docs/decisions/0120-input-limits.md).

Generated from the routers and the matrix builders (tests/core/matrix_builders.py), as the matrix is:
a field added later is covered without touching this file. Each case sends a valid body with one field
out of range, and asserts a 400 naming that field and that no record was added.
"""

from __future__ import annotations

import pytest
from rest_framework import serializers

from tests.core.matrix_builders import OWN_DISTRICT, load_all
from tests.core.test_matrix import registered_viewsets

pytestmark = pytest.mark.django_db

BUILDERS = load_all()


def writable_fields(kind: str) -> list:
    found = []
    for prefix, viewset in registered_viewsets():
        serializer_class = getattr(viewset, "serializer_class", None)
        if serializer_class is None or not hasattr(viewset, "create"):
            continue
        for name, field in serializer_class().fields.items():
            if field.read_only:
                continue
            if kind == "date" and isinstance(field, serializers.DateField):
                found.append(pytest.param(viewset, prefix, name, field, id=f"{prefix}.{name}"))
            elif (
                kind == "text"
                and isinstance(field, serializers.CharField)
                and not isinstance(field, serializers.ChoiceField)
            ):
                found.append(pytest.param(viewset, prefix, name, field, id=f"{prefix}.{name}"))
    return found


def assert_refused_naming(clerk_api, viewset, prefix: str, name: str, value) -> None:
    model = viewset.queryset.model
    builder = BUILDERS.get(model)
    if builder is None or builder.create_payload is None:
        pytest.skip(f"no matrix builder with a create payload for {model.__name__}")
    body = builder.create_payload(OWN_DISTRICT) | {name: value}
    before = model._base_manager.count()
    response = clerk_api.post(f"/api/v1/{prefix}/", body, format="json")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert name in response.json(), response.json()
    assert model._base_manager.count() == before


@pytest.mark.parametrize("viewset, prefix, name, field", writable_fields("date"))
@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_every_writable_date_has_a_range(clerk_api, viewset, prefix, name, field, day):
    assert_refused_naming(clerk_api, viewset, prefix, name, day)


@pytest.mark.parametrize("viewset, prefix, name, field", writable_fields("text"))
def test_every_writable_text_has_a_length_limit(clerk_api, viewset, prefix, name, field):
    assert field.max_length is not None, f"{prefix}.{name} takes text of any length"
    assert_refused_naming(clerk_api, viewset, prefix, name, "长" * (field.max_length + 1))


def test_a_date_a_year_ahead_is_still_a_fact_and_the_founding_day_too(clerk_api):
    from core.api.serializers import EARLIEST_FACT_DATE, FactDateField, years_from_today

    field = FactDateField()
    assert field.run_validation(years_from_today(1).isoformat()) == years_from_today(1)
    assert field.run_validation("1949-10-01") == EARLIEST_FACT_DATE
    with pytest.raises(serializers.ValidationError):
        field.run_validation("1949-09-30")


def test_an_organization_registered_in_9999_is_refused_so_it_cannot_be_rated_into_overflow(clerk_api):
    """Found by hand: registered_on 9999-12-31 was accepted, and rating it overflowed (a 500)."""
    from registry.models import Organization
    from tests.core.matrix_builders import organization_payload

    body = organization_payload(OWN_DISTRICT) | {"registered_on": "9999-12-31"}
    response = clerk_api.post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 400 and "registered_on" in response.json()
    assert not Organization.objects.filter(uscc=body["uscc"]).exists()


def test_a_status_action_date_has_the_same_range(clerk_api):
    from tests.conftest import make_organization

    organization = make_organization()
    response = clerk_api.post(
        f"/api/v1/organizations/{organization.pk}/deregister/", {"date": "9999-12-31", "reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "date" in response.json()
    organization.refresh_from_db()
    assert organization.status == "active"
