import django_filters
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework.exceptions import ValidationError

from core.filters import (
    AsOfFilter,
    DateOrDateTimeFilter,
    RegistryFilterSet,
    RegistryOrderingFilter,
    StrictBooleanFilter,
    normalise_text,
)
from core.search import ORGANIZATION_NAME_GRAMS, contains_text
from registry import extensions, selectors
from registry.choices import (
    CreditEntrySource,
    CreditGround,
    CreditList,
    DivisionKind,
    DivisionLevel,
    Field,
    FilingCategory,
    FilingStatus,
    OrgStatus,
    OrgType,
    PartyOrgKind,
    PenaltyKind,
    PersonRole,
    RegistrationEventKind,
    RegistrationLevel,
    ReportResult,
)
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    Organization,
    OrganizationPerson,
    PartyOrganization,
    RegistrationEvent,
)
from registry.models import credit as credit_models
from registry.models import party as party_models
from registry.validators import ALPHABET as USCC_ALPHABET
from registry.validators import normalise_uscc

# `report_result=none`: organizations without any recorded annual report.
NO_REPORT = "none"
# Values of `on_list` besides the two lists themselves.
ON_ANY_LIST, ON_NO_LIST = "any", "none"
ON_LIST_CHOICES = [
    *CreditList.choices,
    (ON_ANY_LIST, _("On either list")),
    (ON_NO_LIST, _("On neither list")),
    ("true", _("On either list")),
    ("false", _("On neither list")),
]


class DivisionFilterSet(RegistryFilterSet):
    level = django_filters.ChoiceFilter(choices=DivisionLevel.choices, label=_("level"))
    parent = django_filters.CharFilter(field_name="parent_id", label=_("parent (code)"))
    kind = django_filters.ChoiceFilter(
        choices=DivisionKind.choices, label=_("kind (below a district: street, town, township, functional zone)")
    )
    # Divisions are reference data without `last_updated`: the inherited sync filter would be a 500.
    last_updated_from = None

    class Meta:
        model = Division
        fields = ["level", "kind", "parent"]


# Orderings apps above registry add (ratings: `current_grade`), with what adds the annotation each reads.
EXTENDED_ORDERINGS, EXTENDED_ORDERING_ANNOTATIONS = extensions.orderings()


class OrganizationFilterSet(*extensions.mixins("filterset"), RegistryFilterSet):
    """Organizations; apps above registry add filters through the hook (ratings: `grade`, `min_grade`)."""

    as_of = AsOfFilter()

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
    ordering = RegistryOrderingFilter(
        fields=(
            ("name", "name"),
            ("registered_on", "registered_on"),
            ("uscc", "uscc"),
            ("id", "id"),
            ("last_updated", "last_updated"),
            *EXTENDED_ORDERINGS,
        ),
        annotate=EXTENDED_ORDERING_ANNOTATIONS,
        label=_("ordering"),
    )
    # Facts other registry tables hold: annual reports, credit lists, party organizations.
    report_result = django_filters.ChoiceFilter(
        choices=[*ReportResult.choices, (NO_REPORT, _("No annual report"))],
        method="filter_report_result",
        label=_("result of the latest annual work report"),
    )
    on_list = django_filters.ChoiceFilter(
        choices=ON_LIST_CHOICES, method="filter_on_list", label=_("on a credit list today, or on the day of as_of")
    )
    party_org = StrictBooleanFilter(method="filter_party_org", label=_("has a party organization"))

    class Meta:
        model = Organization
        fields = ["uscc", "org_type", "registration_level", "district", "domicile", "status"]

    def filter_uscc(self, queryset, name, value):
        return queryset.filter(uscc=normalise_uscc(value))

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        # Indexed on PostgreSQL (core.search); a term with characters no credit code has skips the code.
        condition = contains_text("name", term, short_gram_index=ORGANIZATION_NAME_GRAMS, caseless_index=True)
        code = normalise_uscc(term)
        if set(code) <= set(USCC_ALPHABET):
            condition |= Q(uscc__contains=code)
        return queryset.filter(condition)

    def filter_report_result(self, queryset, name, value):
        latest = AnnualReport.objects.filter(organization=OuterRef("pk")).order_by("-year").values("result")[:1]
        queryset = queryset.alias(latest_report_filter=Subquery(latest))
        if value == NO_REPORT:
            return queryset.filter(latest_report_filter__isnull=True)
        return queryset.filter(latest_report_filter=value)

    def filter_on_list(self, queryset, name, value):
        day = self.day  # today, or the day of `as_of`
        if value in {ON_ANY_LIST, "true"}:
            return queryset.filter(selectors.listed_exists(on_date=day))
        if value in {ON_NO_LIST, "false"}:
            return queryset.filter(~selectors.listed_exists(on_date=day))
        return queryset.filter(selectors.listed_exists([value], on_date=day))

    def filter_party_org(self, queryset, name, value):
        if value is None:
            return queryset
        exists = selectors.party_org_exists(self.day)
        return queryset.filter(exists if value else ~exists)


class CommunityOrganizationFilterSet(RegistryFilterSet):
    as_of = AsOfFilter()
    district = django_filters.CharFilter(field_name="district_id", label=_("district (code)"))
    township = django_filters.CharFilter(field_name="township_id", label=_("township or street (code)"))
    community = django_filters.CharFilter(field_name="community_id", label=_("community (code)"))
    urban = StrictBooleanFilter(label=_("urban community"))
    category = django_filters.ChoiceFilter(choices=FilingCategory.choices, label=_("category"))
    field = django_filters.ChoiceFilter(choices=Field.choices, label=pgettext_lazy("area of activity", "field"))
    active = StrictBooleanFilter(label=_("actively operating"))
    status = django_filters.ChoiceFilter(choices=FilingStatus.choices, label=_("status"))
    registered_as = django_filters.NumberFilter(
        field_name="registered_as_id", label=_("registered as (organization id)")
    )
    filed_from = django_filters.DateFilter(field_name="filed_on", lookup_expr="gte", label=_("filed from (inclusive)"))
    filed_until = django_filters.DateFilter(
        field_name="filed_on", lookup_expr="lte", label=_("filed until (inclusive)")
    )
    q = django_filters.CharFilter(method="filter_q", label=_("name or filing number contains"))
    ordering = RegistryOrderingFilter(
        fields=(
            ("filing_number", "filing_number"),
            ("name", "name"),
            ("filed_on", "filed_on"),
            ("member_count", "member_count"),
            ("last_active_on", "last_active_on"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = CommunityOrganization
        fields = ["district", "township", "community", "urban", "category", "field", "active", "status"]

    def filter_q(self, queryset, name, value):
        term = normalise_text(value)
        if not term:
            return queryset
        return queryset.filter(Q(name__icontains=term) | Q(filing_number__icontains=term))


class AnnualReportFilterSet(RegistryFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    year = django_filters.NumberFilter(label=_("report year"))
    year_from = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("year from (inclusive)"))
    year_until = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("year until (inclusive)"))
    submitted = StrictBooleanFilter(
        field_name="submitted_on", lookup_expr="isnull", exclude=True, label=_("filed (true/false)")
    )
    result = django_filters.ChoiceFilter(choices=ReportResult.choices, label=_("result"))
    reviewed = StrictBooleanFilter(
        field_name="reviewed_on", lookup_expr="isnull", exclude=True, label=_("reviewed (true/false)")
    )
    ordering = RegistryOrderingFilter(
        fields=(("year", "year"), ("organization", "organization"), ("id", "id"), ("last_updated", "last_updated")),
        label=_("ordering"),
    )

    class Meta:
        model = AnnualReport
        fields = ["organization", "year", "submitted", "result", "reviewed"]


class AdministrativePenaltyFilterSet(RegistryFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    kind = django_filters.ChoiceFilter(choices=PenaltyKind.choices, label=_("kind of penalty"))
    decided_from = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("decided from (inclusive)")
    )
    decided_until = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("decided until (inclusive)")
    )
    ordering = RegistryOrderingFilter(
        fields=(("decided_on", "decided_on"), ("id", "id"), ("last_updated", "last_updated")),
        label=_("ordering"),
    )

    class Meta:
        model = AdministrativePenalty
        fields = ["organization", "kind"]


class CreditListEntryFilterSet(RegistryFilterSet):
    as_of = AsOfFilter()
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    list_kind = django_filters.ChoiceFilter(choices=CreditList.choices, label=_("credit list"))
    ground = django_filters.ChoiceFilter(choices=CreditGround.choices, label=_("listing ground"))
    source = django_filters.ChoiceFilter(choices=CreditEntrySource.choices, label=_("source"))
    current = StrictBooleanFilter(method="filter_current", label=_("in force today, or on the day of as_of"))
    listed_from = django_filters.DateFilter(
        field_name="listed_on", lookup_expr="gte", label=_("listed from (inclusive)")
    )
    listed_until = django_filters.DateFilter(
        field_name="listed_on", lookup_expr="lte", label=_("listed until (inclusive)")
    )
    ordering = RegistryOrderingFilter(
        fields=(
            ("listed_on", "listed_on"),
            ("removed_on", "removed_on"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = CreditListEntry
        fields = ["organization", "list_kind", "ground", "source"]

    def filter_current(self, queryset, name, value):
        if value is None:
            return queryset
        in_force = credit_models.in_force_on(self.day)  # today, or the day of `as_of`
        return queryset.filter(in_force) if value else queryset.exclude(in_force)


class ComprehensivePartyCommitteeFilterSet(RegistryFilterSet):
    level = django_filters.ChoiceFilter(choices=RegistrationLevel.choices, label=_("level"))
    division = django_filters.CharFilter(field_name="division_id", label=_("set up by (code)"))

    class Meta:
        model = ComprehensivePartyCommittee
        fields = ["level", "division"]


class PartyOrganizationFilterSet(RegistryFilterSet):
    kind = django_filters.ChoiceFilter(choices=PartyOrgKind.choices, label=_("form"))
    organization = django_filters.NumberFilter(field_name="organizations", label=_("covers organization (id)"))
    comprehensive_committee = StrictBooleanFilter(
        field_name="committee", lookup_expr="isnull", exclude=True, label=_("held by a comprehensive party committee")
    )
    committee = django_filters.NumberFilter(field_name="committee_id", label=_("comprehensive party committee (id)"))
    committee_level = django_filters.ChoiceFilter(
        field_name="committee__level",
        choices=RegistrationLevel.choices,
        label=_("level of the comprehensive party committee"),
    )
    secretary = django_filters.CharFilter(
        field_name="secretary", lookup_expr="icontains", label=_("secretary contains")
    )
    instructor = django_filters.CharFilter(
        field_name="instructor", lookup_expr="icontains", label=_("party-building instructor contains")
    )
    in_being = StrictBooleanFilter(method="filter_in_being", label=_("in being today"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("name contains"))
    ordering = RegistryOrderingFilter(
        fields=(
            ("name", "name"),
            ("established_on", "established_on"),
            ("member_count", "member_count"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = PartyOrganization
        fields = ["kind", "comprehensive_committee", "committee", "committee_level"]

    def filter_in_being(self, queryset, name, value):
        if value is None:
            return queryset
        in_force = party_models.in_force_on(timezone.localdate())
        return queryset.filter(in_force) if value else queryset.exclude(in_force)


class OrganizationPersonFilterSet(RegistryFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    role = django_filters.ChoiceFilter(choices=PersonRole.choices, label=_("role"))
    current = StrictBooleanFilter(method="filter_current", label=_("in office today"))
    name = django_filters.CharFilter(method="filter_name", label=_("name"))
    id_number = django_filters.CharFilter(method="filter_id_number", label=_("identity card number (whole)"))
    ordering = RegistryOrderingFilter(
        fields=(
            ("started_on", "from"),
            ("organization", "organization"),
            ("id", "id"),
            ("last_updated", "last_updated"),
        ),
        label=_("ordering"),
    )

    class Meta:
        model = OrganizationPerson
        fields = ["organization", "role"]

    def filter_current(self, queryset, name, value):
        today = timezone.localdate()
        current = Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return queryset.filter(current) if value else queryset.exclude(current)

    def filter_name(self, queryset, name, value):
        return queryset.filter(name=normalise_text(value))

    def filter_id_number(self, queryset, name, value):
        """By the whole number only, through its keyed index (the number itself is encrypted); for the
        clerks, who see numbers whole (core.access.Principal.sees_id_numbers_of)."""
        from core.access import principal_of
        from core.personal_data import blind_index
        from registry.models.people import normalise_id_number

        principal = principal_of(getattr(self.request, "user", None))
        if not principal.sees_id_numbers_of(None):
            raise ValidationError({"id_number": [_("Only the bureau's clerks search by identity card number.")]})
        return queryset.filter(id_number_index=blind_index(normalise_id_number(value)))


class RegistrationEventFilterSet(RegistryFilterSet):
    organization = django_filters.NumberFilter(field_name="organization_id", label=_("organization (id)"))
    district = django_filters.CharFilter(
        field_name="organization__registered_by_id", label=_("registering district (code)")
    )
    kind = django_filters.ChoiceFilter(choices=RegistrationEventKind.choices, label=_("kind"))
    from_ = DateOrDateTimeFilter(field_name="date", lookup_expr="gte", label=_("from (inclusive)"))
    until = DateOrDateTimeFilter(field_name="date", lookup_expr="lte", label=_("until (inclusive)"))
    ordering = RegistryOrderingFilter(
        fields=(("date", "date"), ("organization", "organization"), ("id", "id")),
        label=_("ordering"),
    )

    class Meta:
        model = RegistrationEvent
        fields = ["organization", "kind"]

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        filters["from"] = filters.pop("from_")  # `from` is a Python keyword
        return filters
