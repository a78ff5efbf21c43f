"""registry's organizations take what apps above it add through the hook (registry/extensions.py), named in
settings: registry never imports them (tests/core/test_layers.py), and stands alone without them."""

import pytest
from django.test import override_settings

from ratings.admin import EvaluationInline, FilingHonourInline, HonourInline, OrganizationGradeAdminMixin
from ratings.api.serializers import OrganizationGradeSerializer
from ratings.filtersets import OrganizationGradeFilterSet
from ratings.selectors import with_current_grade
from registry import extensions
from registry.admin import CommunityOrganizationAdmin, OrganizationAdmin
from registry.api.serializers import OrganizationSerializer
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization


@pytest.fixture
def no_extensions():
    extensions.organization_extensions.cache_clear()
    with override_settings(REGISTRY_ORGANIZATION_EXTENSIONS=[]):
        yield
    extensions.organization_extensions.cache_clear()


def test_ratings_adds_the_grade_to_the_organizations_filter_set_and_ordering():
    assert issubclass(OrganizationFilterSet, OrganizationGradeFilterSet)
    assert {"grade", "min_grade"} <= set(OrganizationFilterSet.base_filters)
    ordering = OrganizationFilterSet.base_filters["ordering"]
    assert "current_grade" in ordering.param_map
    assert ordering.annotate["current_grade"] is with_current_grade


def test_ratings_adds_the_grade_fields_to_the_organization_serializer():
    assert issubclass(OrganizationSerializer, OrganizationGradeSerializer)
    fields = OrganizationSerializer().fields
    assert {"current_grade", "grade_valid_until", "purchase_priority", "simplified_inspection"} <= set(fields)
    assert list(fields)[-len(OrganizationGradeSerializer._declared_fields) :] == list(
        OrganizationGradeSerializer._declared_fields
    )


def test_ratings_adds_the_grade_column_filter_and_its_inlines_to_the_admin():
    assert issubclass(OrganizationAdmin, OrganizationGradeAdminMixin)
    assert OrganizationAdmin.list_display[-1] == "current_grade_display"
    assert OrganizationAdmin.inlines[-2:] == [EvaluationInline, HonourInline]
    assert FilingHonourInline in CommunityOrganizationAdmin.inlines


@pytest.mark.django_db
def test_the_list_query_carries_the_annotations_the_extensions_add():
    queryset = extensions.annotate_organizations(Organization.objects.all())
    assert "current_grade" in queryset.query.annotations


@pytest.mark.django_db
def test_without_extensions_registry_adds_nothing(no_extensions):
    assert extensions.mixins("filterset") == extensions.mixins("serializer") == extensions.mixins("admin") == ()
    assert extensions.filing_inlines() == []
    assert extensions.orderings() == ((), {})
    queryset = Organization.objects.all()
    assert extensions.annotate_organizations(queryset) is queryset
