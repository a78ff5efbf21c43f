import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import RegistryFilterSet, normalise_text
from registry.choices import DivisionLevel, OrgStatus, OrgType, RegistrationLevel
from registry.models import Division, Organization
from registry.validators import normalise_uscc


class DivisionFilterSet(RegistryFilterSet):
    level = django_filters.ChoiceFilter(choices=DivisionLevel.choices, label=_("level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent (code)"))

    class Meta:
        model = Division
        fields = ["level", "parent"]


class OrganizationFilterSet(RegistryFilterSet):
    uscc = django_filters.CharFilter(method="filter_uscc", label=_("credit code"))
    org_type = django_filters.ChoiceFilter(choices=OrgType.choices, label=_("type"))
    registration_level = django_filters.ChoiceFilter(choices=RegistrationLevel.choices, label=_("registration level"))
    district = django_filters.CharFilter(field_name="registered_by_id", label=_("registering district (code)"))
    domicile = django_filters.CharFilter(field_name="domicile_id", label=_("domicile district (code)"))
    status = django_filters.ChoiceFilter(choices=OrgStatus.choices, label=_("status"))
    registered_from = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="gte", label=_("registered from (inclusive)")
    )
    registered_until = django_filters.DateFilter(
        field_name="registered_on", lookup_expr="lte", label=_("registered until (inclusive)")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("name or credit code contains"))
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("registered_on", "registered_on"), ("uscc", "uscc"), ("id", "id"),
                ("last_updated", "last_updated")),
        label=_("ordering"),
    )

    class Meta:
        model = Organization
        fields = ["uscc", "org_type", "registration_level", "district", "domicile", "status"]

    def filter_uscc(self, queryset, name, value):
        return queryset.filter(uscc=normalise_uscc(value))

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        return queryset.filter(Q(name__icontains=term) | Q(uscc__contains=normalise_uscc(term)))
