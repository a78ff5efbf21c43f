import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.filters import RegistryFilterSet, RegistryOrderingFilter, StrictBooleanFilter, normalise_text
from platforms.choices import AssessmentResult, FundingSource, PlatformGrade, PlatformKind, PlatformLevel, Standard
from platforms.models import (
    FilingSupport,
    Incubation,
    Platform,
    PlatformFunding,
    PlatformRating,
    StandardisationAssessment,
)
from platforms.selectors import in_district, open_on_condition, standardized_platforms


class IntegerFilter(django_filters.NumberFilter):
    """A whole number (ids, years): `2023.5` or `abc` is a 400, not an empty list."""

    field_class = forms.IntegerField


class PlatformFilterSet(RegistryFilterSet):
    level = django_filters.ChoiceFilter(choices=PlatformLevel.choices, label=_("level"))
    kind = django_filters.ChoiceFilter(choices=PlatformKind.choices, label=_("kind"))
    district = django_filters.CharFilter(method="filter_district", label=_("district (code)"))
    division = django_filters.CharFilter(field_name="division_id", label=_("division (code)"))
    township = django_filters.CharFilter(method="filter_township", label=_("township (code) it sits in or serves"))
    operator = IntegerFilter(field_name="operator_id", label=_("operating organization (id)"))
    standardized = StrictBooleanFilter(method="filter_standardized", label=_("standardised"))
    party_service_centre = StrictBooleanFilter(label=_("party-mass service centre"))
    open_on = django_filters.DateFilter(method="filter_open_on", label=_("open on (date)"))
    q = django_filters.CharFilter(method="filter_q", label=_("name or address contains"))
    ordering = RegistryOrderingFilter(
        fields=(("name", "name"), ("opened_on", "opened_on"), ("id", "id"), ("last_updated", "last_updated")),
        label=_("ordering"),
    )

    class Meta:
        model = Platform
        fields = ["level", "kind", "district", "division", "township", "operator", "party_service_centre"]

    def filter_district(self, queryset, name, value):
        return in_district(queryset, value)

    def filter_township(self, queryset, name, value):
        """The platforms that sit in the township or serve it (once each, whatever else they serve)."""
        serves = Platform.served_townships.through.objects.filter(platform_id=OuterRef("pk"), division_id=value)
        return queryset.filter(Q(division_id=value) | Q(Exists(serves)))

    def filter_standardized(self, queryset, name, value):
        return standardized_platforms(queryset, value=value)

    def filter_open_on(self, queryset, name, value):
        return queryset.filter(open_on_condition(value))

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        return queryset.filter(Q(name__icontains=term) | Q(address__icontains=term))


class PlatformRecordFilterSet(RegistryFilterSet):
    """Filters every record about a platform takes: the platform, and where it lies."""

    platform = IntegerFilter(field_name="platform_id", label=_("platform (id)"))
    district = django_filters.CharFilter(method="filter_district", label=_("district of the platform (code)"))
    level = django_filters.ChoiceFilter(
        field_name="platform__level", choices=PlatformLevel.choices, label=_("level of the platform")
    )

    def filter_district(self, queryset, name, value):
        return in_district(queryset, value, prefix="platform__")


class StandardisationAssessmentFilterSet(PlatformRecordFilterSet):
    standard = django_filters.ChoiceFilter(choices=Standard.choices, label=_("standard"))
    year = IntegerFilter(label=_("assessment year"))
    result = django_filters.ChoiceFilter(choices=AssessmentResult.choices, label=_("assessment result"))
    assessed_from = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="gte", label=_("assessed from (inclusive)")
    )
    assessed_until = django_filters.DateFilter(
        field_name="assessed_on", lookup_expr="lte", label=_("assessed until (inclusive)")
    )

    class Meta:
        model = StandardisationAssessment
        fields = ["platform", "district", "level", "standard", "year", "result"]


class PlatformRatingFilterSet(PlatformRecordFilterSet):
    year = IntegerFilter(label=_("rating year"))
    grade = django_filters.TypedChoiceFilter(choices=PlatformGrade.choices, coerce=int, label=_("grade"))
    min_grade = django_filters.TypedChoiceFilter(
        field_name="grade", lookup_expr="gte", choices=PlatformGrade.choices, coerce=int, label=_("minimum grade")
    )

    class Meta:
        model = PlatformRating
        fields = ["platform", "district", "level", "year", "grade"]


class PlatformFundingFilterSet(PlatformRecordFilterSet):
    year = IntegerFilter(label=_("funding year"))
    year_from = IntegerFilter(field_name="year", lookup_expr="gte", label=_("from year (inclusive)"))
    year_until = IntegerFilter(field_name="year", lookup_expr="lte", label=_("until year (inclusive)"))
    source = django_filters.ChoiceFilter(choices=FundingSource.choices, label=_("funding source"))

    class Meta:
        model = PlatformFunding
        fields = ["platform", "district", "level", "year", "source"]


class IncubationFilterSet(PlatformRecordFilterSet):
    organization = IntegerFilter(field_name="organization_id", label=_("organization (id)"))
    filing = IntegerFilter(field_name="filing_id", label=_("community organization filing (id)"))
    of = django_filters.ChoiceFilter(
        method="filter_of",
        choices=[("organization", _("organizations")), ("filing", _("filings"))],
        label=_("incubating organizations or filings"),
    )
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("incubating on (date)"))

    class Meta:
        model = Incubation
        fields = ["platform", "district", "level", "organization", "filing"]

    def filter_of(self, queryset, name, value):
        return queryset.filter(**{f"{value}__isnull": False})

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(
            Q(incubated_from__lte=value) & (Q(incubated_until__isnull=True) | Q(incubated_until__gte=value))
        )


class FilingSupportFilterSet(RegistryFilterSet):
    platform = IntegerFilter(field_name="platform_id", label=_("platform (id)"))
    filing = IntegerFilter(field_name="filing_id", label=_("community organization filing (id)"))
    district = django_filters.CharFilter(field_name="filing__district_id", label=_("district of the filing (code)"))
    township = django_filters.CharFilter(field_name="filing__township_id", label=_("township of the filing (code)"))

    class Meta:
        model = FilingSupport
        fields = ["platform", "filing", "district", "township"]
