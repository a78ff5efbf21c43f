"""The organizations list renders every row by its plan (core/api/planned_lists.py), none of its fields
through DRF's field-by-field code: bench/README.md "Profile of the list regression, 2026-12-03" found 17
of 40 fields fallen out of the plan (method fields of the ratings hook, FactDateField, the id, a
decimal), 60 % more CPU a page. The output itself is held equal to DRF's by test_planned_lists.py."""

from core.api.planned_lists import row_plan
from registry.api.serializers import OrganizationSerializer


def test_every_field_of_an_organization_row_is_planned():
    plan = row_plan(OrganizationSerializer())
    assert plan is not None
    by_drf = [name for name, _attr, render, _field in plan if render is None]
    assert by_drf == []
    # Method fields (the registry facts and the grade fields the ratings hook adds) are called straight.
    called = {name for name, attr, render, _field in plan if attr is None and render is not None}
    assert {"party_org", "credit_lists", "current_grade", "tax_deductible_eligible"} <= called
