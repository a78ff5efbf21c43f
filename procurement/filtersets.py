import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import RegistryFilterSet, RegistryOrderingFilter, StrictBooleanFilter, normalise_text
from procurement.choices import YEAR_MAX, YEAR_MIN, DemandStatus, FunctionCategory, FundingSource, ProjectStatus
from procurement.models import (
    DemandResponse,
    Department,
    ProjectCap,
    PurchasedServiceProject,
    ServiceDemand,
    TransferredFunction,
)
from registry.validators import normalise_uscc


class YearFilter(django_filters.NumberFilter):
    """A year from 2000 to 2100; anything else is a 400 naming the parameter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class DepartmentFilterSet(RegistryFilterSet):
    district = django_filters.CharFilter(field_name="division_id", label=_("level (city or district code)"))
    q = django_filters.CharFilter(method="filter_q", label=_("name contains"))

    class Meta:
        model = Department
        fields = ["district", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=normalise_text(value))


class ProjectCapFilterSet(RegistryFilterSet):
    class Meta:
        model = ProjectCap
        fields = []


class PurchasedServiceProjectFilterSet(RegistryFilterSet):
    year = YearFilter(field_name="year", label=_("year"))
    year_from = YearFilter(field_name="year", lookup_expr="gte", label=_("year from (inclusive)"))
    year_until = YearFilter(field_name="year", lookup_expr="lte", label=_("year until (inclusive)"))
    department = django_filters.ModelChoiceFilter(
        field_name="purchaser", queryset=Department.objects.all(), label=_("purchasing department (id)")
    )
    provider = django_filters.NumberFilter(field_name="provider_id", label=_("provider (organization id)"))
    district = django_filters.CharFilter(
        field_name="provider__registered_by_id", label=_("provider's district (code of the registering authority)")
    )
    provider_domicile = django_filters.CharFilter(
        field_name="provider__domicile_id", label=_("provider's domicile district (code)")
    )
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("status"))
    funding_source = django_filters.ChoiceFilter(choices=FundingSource.choices, label=_("funding source"))
    below_priority = StrictBooleanFilter(field_name="below_priority_flag", label=_("provider below 3A at award"))
    cap_exception = StrictBooleanFilter(method="filter_cap_exception", label=_("with a cap exception"))
    awarded_from = django_filters.DateFilter(field_name="awarded_on", lookup_expr="gte", label=_("awarded from"))
    awarded_until = django_filters.DateFilter(field_name="awarded_on", lookup_expr="lte", label=_("awarded until"))
    q = django_filters.CharFilter(method="filter_q", label=_("title, department or provider contains"))
    ordering = RegistryOrderingFilter(
        fields=(
            ("year", "year"),
            ("amount", "amount"),
            ("awarded_on", "awarded_on"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = PurchasedServiceProject
        fields = ["year", "department", "provider", "district", "status", "funding_source", "below_priority"]

    def filter_cap_exception(self, queryset, name, value):
        condition = Q(cap_exception_approved_on__isnull=False)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        return queryset.filter(
            Q(title__icontains=term)
            | Q(purchaser__name__icontains=term)
            | Q(provider__name__icontains=term)
            | Q(provider__uscc=normalise_uscc(term))
        )


class ServiceDemandFilterSet(RegistryFilterSet):
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("department (id)"))
    status = django_filters.ChoiceFilter(choices=DemandStatus.choices, label=_("status"))
    published_from = django_filters.DateFilter(field_name="published_on", lookup_expr="gte", label=_("published from"))
    published_until = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", label=_("published until")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("title contains"))

    class Meta:
        model = ServiceDemand
        fields = ["department", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(title__icontains=normalise_text(value))


class DemandResponseFilterSet(RegistryFilterSet):
    demand = django_filters.NumberFilter(field_name="demand_id", label=_("service demand (id)"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    accepted = StrictBooleanFilter(label=_("accepted"))

    class Meta:
        model = DemandResponse
        fields = ["demand", "organization", "accepted"]


class TransferredFunctionFilterSet(RegistryFilterSet):
    batch = django_filters.NumberFilter(label=_("batch"))
    category = django_filters.ChoiceFilter(choices=FunctionCategory.choices, label=_("category"))
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("transferring department (id)")
    )
    organization = django_filters.NumberFilter(
        field_name="receiving_organizations", label=_("receiving organization (id)"), distinct=True
    )
    q = django_filters.CharFilter(method="filter_q", label=_("function contains"))

    class Meta:
        model = TransferredFunction
        fields = ["batch", "category", "department", "organization"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(name__icontains=normalise_text(value))
