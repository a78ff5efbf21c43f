import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RegistryFilterSet, RegistryOrderingFilter, StrictBooleanFilter
from registry.choices import CreditGround, OrgType
from supervision import selectors
from supervision.choices import ProposalKind, ProposalStatus
from supervision.models import ReportDeadline, SupervisionProposal


class ReportDeadlineFilterSet(RegistryFilterSet):
    year = django_filters.NumberFilter(label=_("report year"))
    org_type = django_filters.ChoiceFilter(choices=OrgType.choices, label=_("organization type"))

    class Meta:
        model = ReportDeadline
        fields = ["year", "org_type"]


class SupervisionProposalFilterSet(RegistryFilterSet):
    kind = django_filters.ChoiceFilter(choices=ProposalKind.choices, label=_("proposal kind"))
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("status"))
    ground = django_filters.ChoiceFilter(choices=CreditGround.choices, label=_("listing ground"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("overdue (true/false)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    due_from = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", label=_("due from (inclusive)"))
    due_until = django_filters.DateFilter(field_name="due_on", lookup_expr="lte", label=_("due until (inclusive)"))
    ordering = RegistryOrderingFilter(
        fields=(("due_on", "due_on"), ("id", "id"), ("last_updated", "last_updated")), label=_("ordering")
    )

    class Meta:
        model = SupervisionProposal
        fields = ["kind", "status", "ground", "district", "organization"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = selectors.overdue_condition(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
