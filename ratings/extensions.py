"""What ratings adds to registry's organizations, through registry's hook (registry/extensions.py):
the current grade (filters `grade`, `min_grade`, ordering `current_grade`, the grade fields and
entitlements, the admin's column and filter) and the ratings and honours on the organization's and
the filing's page. Named in settings.REGISTRY_ORGANIZATION_EXTENSIONS."""

from ratings.selectors import CURRENT_GRADE
from registry.extensions import OrganizationExtension

ORGANIZATION_GRADE = OrganizationExtension(
    filterset="ratings.filtersets.OrganizationGradeFilterSet",
    annotate="ratings.selectors.with_current_grade",
    orderings=((CURRENT_GRADE, "current_grade"),),
    serializer="ratings.api.serializers.OrganizationGradeSerializer",
    admin="ratings.admin.OrganizationGradeAdminMixin",
    filing_inlines=("ratings.admin.FilingHonourInline",),
)
