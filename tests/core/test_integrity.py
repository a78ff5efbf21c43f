"""A record the database refuses (a unique or check constraint) is a 400 naming the field, in the
constraint's own words: raw database text never reaches a client."""

import pytest

from registry.models import Organization
from tests.conftest import make_organization
from tests.core.matrix_builders import organization_payload

pytestmark = pytest.mark.django_db
RAW_DATABASE_TEXT = ("duplicate key", "violates", "UNIQUE constraint", "CHECK constraint", "IntegrityError")


def test_a_duplicate_credit_code_is_an_error_of_uscc(clerk_api):
    existing = make_organization()
    body = organization_payload("330212") | {"uscc": existing.uscc}
    response = clerk_api.post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 400
    assert "uscc" in response.json()
    assert Organization.objects.filter(uscc=existing.uscc).count() == 1


@pytest.fixture
def validation_misses_constraints(monkeypatch):
    """A race past validation: the constraints are checked by the database alone."""
    from django.db.models import Model

    monkeypatch.setattr(Model, "validate_constraints", lambda self, exclude=None: None)
    monkeypatch.setattr(Model, "validate_unique", lambda self, exclude=None: None)


def assert_no_database_text(response):
    text = response.content.decode()
    assert not any(raw in text for raw in RAW_DATABASE_TEXT), text


def test_a_duplicate_the_database_catches_names_the_field_in_the_constraints_words(
    clerk_api, validation_misses_constraints
):
    existing = make_organization()
    body = organization_payload("330212") | {"uscc": existing.uscc}
    response = clerk_api.post("/api/v1/organizations/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"uscc": ["An organization with this credit code is already registered."]}
    assert_no_database_text(response)
    assert Organization.objects.filter(uscc=existing.uscc).count() == 1


def test_a_check_the_database_catches_names_its_field(clerk_api, validation_misses_constraints):
    from registry.models import CommunityOrganization
    from tests.registry.matrix_builders import filing_payload

    body = filing_payload("330212") | {"member_count": -1}
    before = CommunityOrganization.objects.count()
    response = clerk_api.post("/api/v1/community-organizations/", body, format="json")
    assert response.status_code == 400
    assert "member_count" in response.json(), response.json()
    assert_no_database_text(response)
    assert CommunityOrganization.objects.count() == before


def test_a_conflict_the_database_reports_in_bulk_is_a_row_error_of_the_field(clerk_api, monkeypatch):
    from django.db import IntegrityError

    from tests.exports.builders import org_row

    def refuse(self, *args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: registry_organization.uscc")

    monkeypatch.setattr(Organization, "save", refuse)
    response = clerk_api.post("/api/v1/organizations/bulk/", [org_row()], format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"index": 0, "uscc": ["An organization with this credit code is already registered."]}
    ]
    assert_no_database_text(response)
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("UNIQUE constraint failed: registry_organization.uscc", "uscc"),
        ("UNIQUE constraint failed: procurement_department.name", "name"),
        (
            "UNIQUE constraint failed: ratings_evaluation.organization_id, ratings_evaluation.concluded_on",
            "non_field_errors",
        ),
        ("CHECK constraint failed: filing_member_count_not_negative", "member_count"),
        ("NOT NULL constraint failed: registry_organization.name", "name"),
        ("FOREIGN KEY constraint failed", "non_field_errors"),
        ('duplicate key value violates unique constraint "x"', "non_field_errors"),
    ],
)
def test_what_the_database_says_is_put_in_the_registrys_words(text, expected):
    from django.db import IntegrityError

    from core.exceptions import integrity_error_detail

    detail = integrity_error_detail(IntegrityError(text))
    assert list(detail) == [expected]
    assert not any(raw in str(detail) for raw in RAW_DATABASE_TEXT)


def test_a_duplicate_filing_number_or_department_name_is_an_error_of_its_field(clerk_api):
    from procurement.models import Department
    from registry.models import CommunityOrganization
    from tests.registry.matrix_builders import filing_payload

    # A township desk's number for a filing of 2021 (the filing numbers' own formats: decision 0130).
    number = "鄞州备字〔2021〕第901号"
    first = filing_payload("330212") | {"filing_number": number}
    created = clerk_api.post("/api/v1/community-organizations/", first, format="json")
    assert created.status_code == 201, created.json()
    again = filing_payload("330212") | {"filing_number": number}
    response = clerk_api.post("/api/v1/community-organizations/", again, format="json")
    assert response.status_code == 400 and "filing_number" in response.json(), response.json()
    assert CommunityOrganization.objects.filter(filing_number=number).count() == 1

    assert clerk_api.post("/api/v1/departments/", {"name": "测试部门甲"}, format="json").status_code == 201
    response = clerk_api.post("/api/v1/departments/", {"name": "测试部门甲"}, format="json")
    assert response.status_code == 400 and "name" in response.json(), response.json()
    assert Department.objects.filter(name="测试部门甲").count() == 1


def test_a_duplicate_cap_date_or_document_title_is_an_error_of_its_field():
    """Neither is written through the API; the admin shows the error at the field too."""
    from django.core.exceptions import ValidationError

    from procurement.models import ProjectCap
    from reports.models import Document

    for model, field in ((ProjectCap, "effective_from"), (Document, "title")):
        existing = model.objects.exclude(**{field: None}).first()
        assert existing is not None, f"the fixtures hold a {model.__name__}"
        copy = model(**{field: getattr(existing, field)})
        with pytest.raises(ValidationError) as refusal:
            copy.validate_constraints()
        assert field in refusal.value.error_dict
