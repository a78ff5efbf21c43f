import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import RegistryFilterSet, StrictBooleanFilter
from evaluations.choices import ApplicationStatus, WaitingOn
from evaluations.models import EvaluationApplication, EvaluationRound, Objection
from registry.choices import CITY_CODE


class EvaluationRoundFilterSet(RegistryFilterSet):
    year = django_filters.NumberFilter(field_name="year", min_value=2000, max_value=2100, label=_("year"))
    authority = django_filters.CharFilter(field_name="authority_id", label=_("registration authority (code)"))

    class Meta:
        model = EvaluationRound
        fields = ["year", "authority"]


class EvaluationApplicationFilterSet(RegistryFilterSet):
    round = django_filters.NumberFilter(field_name="round_id", label=_("evaluation round (id)"))
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("status"))
    district = django_filters.CharFilter(
        method="filter_district", label=_("district (code of the registering authority)")
    )
    applied_from = django_filters.DateFilter(
        field_name="applied_on", lookup_expr="gte", label=_("applied from (inclusive)")
    )
    applied_until = django_filters.DateFilter(
        field_name="applied_on", lookup_expr="lte", label=_("applied until (inclusive)")
    )

    waiting_on = django_filters.ChoiceFilter(
        choices=WaitingOn.choices, method="filter_waiting_on", label=_("waiting on")
    )

    class Meta:
        model = EvaluationApplication
        fields = ["round", "organization", "status"]

    def filter_waiting_on(self, queryset, name, value):
        """Today's worklist of a step; the public notice ends after `notice_until`."""
        today = timezone.localdate()
        return queryset.filter(
            **{
                WaitingOn.ACCEPT: {"status": ApplicationStatus.APPLIED},
                WaitingOn.SCORE: {"status": ApplicationStatus.ACCEPTED},
                WaitingOn.PUBLISH: {"status": ApplicationStatus.SCORED},
                WaitingOn.NOTICE: {"status": ApplicationStatus.PUBLIC_NOTICE, "notice_until__gte": today},
                WaitingOn.CONCLUDE: {"status": ApplicationStatus.PUBLIC_NOTICE, "notice_until__lt": today},
            }[value]
        )

    def filter_district(self, queryset, name, value):
        if value == CITY_CODE:
            return queryset.filter(organization__registered_by_id=CITY_CODE)
        return queryset.filter(organization__registered_by_id=value)


class ObjectionFilterSet(RegistryFilterSet):
    application = django_filters.NumberFilter(field_name="application_id", label=_("evaluation application (id)"))
    round = django_filters.NumberFilter(field_name="application__round_id", label=_("evaluation round (id)"))
    decided = StrictBooleanFilter(field_name="decided_on", lookup_expr="isnull", exclude=True, label=_("decided"))
    overdue = StrictBooleanFilter(method="filter_overdue", label=_("review overdue"))

    class Meta:
        model = Objection
        fields = ["application", "round"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.model.objects.overdue(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)
