import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import AsOfFilter, RegistryFilterSet, RegistryOrderingFilter, StrictBooleanFilter, normalise_text
from ratings.choices import EvaluationStatus, Grade, HonourKind, HundredBestList
from ratings.models import Evaluation, Honour
from ratings.selectors import CURRENT_GRADE, with_current_grade

NO_GRADE = "none"  # `grade=none`: organizations without a grade in force


class EvaluationFilterSet(RegistryFilterSet):
    as_of = AsOfFilter()
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("evaluation grade"))
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices, method="filter_status", label=_("status"))
    valid_on = django_filters.DateFilter(method="filter_valid_on", label=_("valid on"))
    expiring_before = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="lt", label=_("valid until before (exclusive)")
    )
    concluded_from = django_filters.DateFilter(
        field_name="concluded_on", lookup_expr="gte", label=_("concluded from (inclusive)")
    )
    concluded_until = django_filters.DateFilter(
        field_name="concluded_on", lookup_expr="lte", label=_("concluded until (inclusive)")
    )
    ordering = RegistryOrderingFilter(
        fields=(
            ("concluded_on", "concluded_on"),
            ("valid_until", "valid_until"),
            ("grade", "grade"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = Evaluation
        fields = ["organization", "grade", "status"]

    def filter_status(self, queryset, name, value):
        """The status today, or on the day of `as_of` (the `status` field of each record)."""
        if "status" not in queryset.query.annotations:
            queryset = queryset.with_status(self.day)
        return queryset.filter(status=value)

    def filter_valid_on(self, queryset, name, value):
        return queryset.valid_on(value)


class OrganizationGradeFilterSet(django_filters.FilterSet):
    """The grade filters of the organizations list (current grade today), mixed into its filter set."""

    grade = django_filters.ChoiceFilter(
        choices=[*Grade.choices, (NO_GRADE, _("No grade"))], method="filter_grade", label=_("current grade")
    )
    min_grade = django_filters.ChoiceFilter(
        choices=Grade.choices, method="filter_min_grade", label=_("current grade at least")
    )

    def filter_grade(self, queryset, name, value):
        graded = with_current_grade(queryset, self.day)
        if value == NO_GRADE:
            return graded.filter(**{f"{CURRENT_GRADE}__isnull": True})
        return graded.filter(**{CURRENT_GRADE: int(value)})

    def filter_min_grade(self, queryset, name, value):
        return with_current_grade(queryset, self.day).filter(**{f"{CURRENT_GRADE}__gte": int(value)})


class HonourFilterSet(RegistryFilterSet):
    kind = django_filters.ChoiceFilter(choices=HonourKind.choices, label=_("honour"))
    hundred_best_list = django_filters.ChoiceFilter(
        choices=HundredBestList.choices, label=_('"three hundred best" list')
    )
    year = django_filters.NumberFilter(label=_("year"))
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("year from (inclusive)"))
    year_until = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("year until (inclusive)"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    community_organization = django_filters.NumberFilter(
        field_name="community_organization_id", label=_("community organization filing (id)")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("person, organization or title contains"))
    withdrawn = StrictBooleanFilter(field_name="withdrawn_on", lookup_expr="isnull", exclude=True, label=_("withdrawn"))

    class Meta:
        model = Honour
        fields = ["kind", "hundred_best_list", "year", "organization", "community_organization"]

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        return queryset.filter(
            Q(person_name__icontains=term)
            | Q(organization__name__icontains=term)
            | Q(community_organization__name__icontains=term)
            | Q(title__icontains=term)
        )
