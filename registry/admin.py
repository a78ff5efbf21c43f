from django import forms
from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import FilterSetListFilter, RegistryAdmin, RegistryTabularInline, added_and_shown_at, status_action
from core.admin_filters import DateRangeFilter
from ratings.admin import (
    CurrentGradeFilter,
    EvaluationInline,
    FilingHonourInline,
    HonourInline,
    OrganizationGradeAdminMixin,
)
from registry import services
from registry.choices import CreditList, DivisionKind, DivisionLevel, RegistrationLevel, ReportResult
from registry.filtersets import DivisionFilterSet, OrganizationFilterSet, PartyOrganizationFilterSet
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    Organization,
    PartyCoverage,
    PartyOrganization,
)
from registry.models.party import coverage_problems


def short_division(division: Division | None):
    """A division by its name in a list column (鄞州区), its code on hover: a list has no room for both."""
    if division is None:
        return "-"
    return format_html('<span class="registry-division" title="{}">{}</span>', division.code, division.name)


class DivisionKindListFilter(FilterSetListFilter):
    title = _("division kind")
    parameter_name = "kind"
    filterset_class = DivisionFilterSet

    def lookups(self, request, model_admin):
        return DivisionKind.choices


@admin.register(Division)
class DivisionAdmin(RegistryAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "urban", "successor", "is_demo"]
    list_filter = ["level", DivisionKindListFilter, "urban", "is_demo"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "successor"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A filing's community autocomplete passes the chosen township (registry/filing-community.js).
        township = request.GET.get("township")
        if township and request.GET.get("field_name") == "community":
            queryset = queryset.filter(parent_id=township)
        return queryset, may_have_duplicates


class FilingTownshipListFilter(admin.SimpleListFilter):
    """The townships of the chosen district (156 in all would not fit a sidebar): pick a district first."""

    title = _("township or street")
    parameter_name = "township"

    def lookups(self, request, model_admin):
        district = request.GET.get("district__code__exact")
        chosen = self.value()
        if not district and not chosen:
            return []
        townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP)
        if district:
            townships = townships.filter(parent_id=district, township_filings__isnull=False).distinct()
        else:
            townships = townships.filter(code=chosen)
        return [(township.code, township.name) for township in townships.order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(township_id=self.value())
        return queryset


class AnnualReportInline(RegistryTabularInline):
    model = AnnualReport
    extra = 0
    fields = ["year", "submitted_on", "result", "reviewed_on", "remarks"]
    ordering = ["-year"]


class AdministrativePenaltyInline(RegistryTabularInline):
    model = AdministrativePenalty
    extra = 0
    fields = ["decided_on", "kind", "amount", "authority", "decision_number"]
    ordering = ["-decided_on"]


class CreditListEntryInline(RegistryTabularInline):
    model = CreditListEntry
    extra = 0
    fields = ["list_kind", "listed_on", "reason", "removed_on", "removal_reason"]
    readonly_fields = ["removed_on", "removal_reason"]
    show_change_link = True  # removal is an action of the entry's own page (with date and reason)


class PartyCoverageInline(RegistryTabularInline):
    """The party organizations covering the organization, read only: coverage is edited on the party
    organization's page, where the standalone/joint rule is checked. Each row is titled by the party
    organization's name."""

    model = PartyCoverage
    extra = 0
    fk_name = "organization"
    verbose_name = _("party organization covering it")
    verbose_name_plural = _("party organizations covering it")
    fields = ["kind", "member_count", "comprehensive_committee", "established_on", "dissolved_on", "page"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partyorganization")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _show(self, value):
        return display_for_value(value, self.get_empty_value_display())

    @admin.display(description=_("form"))
    def kind(self, coverage):
        return coverage.partyorganization.get_kind_display()

    @admin.display(description=_("party members"))
    def member_count(self, coverage):
        return coverage.partyorganization.member_count

    @admin.display(description=_("held by a comprehensive party committee"), boolean=True)
    def comprehensive_committee(self, coverage):
        return coverage.partyorganization.comprehensive_committee

    @admin.display(description=_("date established"))
    def established_on(self, coverage):
        return self._show(coverage.partyorganization.established_on)

    @admin.display(description=_("date dissolved"))
    def dissolved_on(self, coverage):
        return self._show(coverage.partyorganization.dissolved_on)

    @admin.display(description=_("party organization page"))
    def page(self, coverage):
        url = reverse("admin:registry_partyorganization_change", args=[coverage.partyorganization_id])
        return format_html('<a href="{}">{}</a>', url, _("View"))


class PartyOrgListFilter(FilterSetListFilter):
    title = _("party organization")
    parameter_name = "party_org"
    filterset_class = OrganizationFilterSet

    def lookups(self, request, model_admin):
        return [("true", _("Has one")), ("false", _("Has none"))]


class CreditListFilter(FilterSetListFilter):
    title = _("credit lists")
    parameter_name = "on_list"
    filterset_class = OrganizationFilterSet

    def lookups(self, request, model_admin):
        return [*CreditList.choices, ("any", _("On either list")), ("none", _("On neither list"))]


class LatestReportFilter(FilterSetListFilter):
    title = _("latest annual work report")
    parameter_name = "report_result"
    filterset_class = OrganizationFilterSet

    def lookups(self, request, model_admin):
        return [*ReportResult.choices, ("none", _("No annual report"))]


@admin.register(Organization)
class OrganizationAdmin(OrganizationGradeAdminMixin, RegistryAdmin):
    list_display = [
        "name",
        "uscc",
        "org_type",
        "registration_level",
        "registered_by_short",
        "status",
        "registered_on",
        "current_grade_display",
    ]
    list_filter = [
        "org_type",
        "registration_level",
        ("registered_by", admin.RelatedOnlyFieldListFilter),  # historical authorities only where they registered
        "status",
        ("registered_on", DateRangeFilter),
        PartyOrgListFilter,
        CreditListFilter,
        LatestReportFilter,
        CurrentGradeFilter,
        "is_demo",
    ]
    search_fields = ["name", "uscc"]
    ordering = ["-registered_on", "-pk"]  # the newest registrations first
    list_select_related = ["registered_by"]
    readonly_fields = ["registration_level", "status", "status_date", "status_reason", "created", "last_updated"]
    autocomplete_fields = ["registered_by", "domicile"]
    inlines = [
        AnnualReportInline,
        AdministrativePenaltyInline,
        CreditListEntryInline,
        PartyCoverageInline,
        EvaluationInline,
        HonourInline,
    ]
    importable = True
    actions = [
        status_action(service=services.organization_deregister, target="organization", title=_("Deregister")),
        status_action(service=services.organization_revoke, target="organization", title=_("Revoke registration")),
        status_action(
            service=services.organization_reinstate, target="organization", title=_("Reinstate"), needs_date=False
        ),
    ]

    @admin.display(description=_("registering authority"), ordering="registered_by")
    def registered_by_short(self, organization):
        return short_division(organization.registered_by)

    def response_add(self, request, obj, post_url_continue=None):
        # A new registration opens on its own page, where its ratings and annual reports are added next.
        change_url = reverse("admin:registry_organization_change", args=[obj.pk])
        return added_and_shown_at(self, request, obj, change_url) or super().response_add(
            request, obj, post_url_continue
        )


@admin.register(CommunityOrganization)
class CommunityOrganizationAdmin(RegistryAdmin):
    list_display = [
        "filing_number",
        "name",
        "township_short",
        "community_short",
        "category",
        "field",
        "urban",
        "active",
        "status",
        "filed_on",
    ]
    list_filter = [
        ("district", admin.RelatedOnlyFieldListFilter),
        FilingTownshipListFilter,
        "urban",
        "category",
        "field",
        "active",
        "status",
        ("filed_on", DateRangeFilter),
        "is_demo",
    ]
    search_fields = ["filing_number", "name"]
    ordering = ["-filed_on", "-pk"]  # the newest filings first
    list_select_related = ["township", "community"]
    autocomplete_fields = ["township", "community", "registered_as"]
    importable = True

    class Media:
        js = ["admin/js/vendor/jquery/jquery.min.js", "admin/js/jquery.init.js", "registry/filing-community.js"]

    readonly_fields = ["district", "urban", "status", "status_date", "status_reason", "created", "last_updated"]
    inlines = [FilingHonourInline]
    fieldsets = [
        (None, {"fields": ["filing_number", "name", "township", "community", "district", "urban"]}),
        (_("Filing"), {"fields": ["category", "field", "filed_on", "contact_person", "contact_phone", "member_count"]}),
        (_("Activity"), {"fields": ["active", "last_active_on", "registered_as"]}),
        (_("Status"), {"fields": ["status", "status_date", "status_reason", "created", "last_updated"]}),
    ]
    actions = [
        status_action(service=services.filing_cancel, target="filing", title=_("Cancel filing")),
        status_action(service=services.filing_reinstate, target="filing", title=_("Reinstate"), needs_date=False),
    ]

    @admin.display(description=_("township or street"), ordering="township")
    def township_short(self, filing):
        return short_division(filing.township)

    @admin.display(description=_("community"), ordering="community")
    def community_short(self, filing):
        return short_division(filing.community)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("filing_number")  # a filing number never changes
        return fields


class ReportStageFilter(admin.SimpleListFilter):
    """The clerks' worklist of reports: filed and waiting for review, or recorded as not filed."""

    title = _("stage")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return [
            ("not_reviewed", _("Filed, not yet reviewed")),
            ("not_filed", _("Not filed")),
            ("reviewed", _("Reviewed")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "not_reviewed":
            return queryset.filter(submitted_on__isnull=False, result="")
        if self.value() == "not_filed":
            return queryset.filter(submitted_on__isnull=True)
        if self.value() == "reviewed":
            return queryset.exclude(result="")
        return queryset


@admin.register(AnnualReport)
class AnnualReportAdmin(RegistryAdmin):
    list_display = ["organization", "year", "submitted_on", "result", "reviewed_on"]
    list_filter = [ReportStageFilter, "result", "year"]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created", "last_updated"]


@admin.register(AdministrativePenalty)
class AdministrativePenaltyAdmin(RegistryAdmin):
    list_display = ["organization", "decided_on", "kind", "amount", "authority"]
    list_filter = ["kind", ("decided_on", DateRangeFilter)]
    search_fields = ["organization__name", "organization__uscc", "authority", "decision_number"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created", "last_updated"]


@admin.register(CreditListEntry)
class CreditListEntryAdmin(RegistryAdmin):
    list_display = ["organization", "list_kind", "ground", "listed_on", "counted_from", "removed_on", "source"]
    list_filter = ["list_kind", "ground", "source", "listed_on", "removed_on"]
    search_fields = ["organization__name", "organization__uscc", "reason", "decision_number"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = [
        "counted_from",
        "source",
        "transferred_to",
        "removed_on",
        "removal_reason",
        "created",
        "last_updated",
    ]
    actions = [
        status_action(service=services.credit_entry_remove, target="entry", title=_("Remove from the list")),
        status_action(service=services.credit_entry_reinstate, target="entry", title=_("Reinstate"), needs_date=False),
    ]


@admin.register(ComprehensivePartyCommittee)
class ComprehensivePartyCommitteeAdmin(RegistryAdmin):
    list_display = ["name", "level", "division", "established_on", "is_demo"]
    list_filter = ["level", "is_demo"]
    search_fields = ["name", "division__name"]
    autocomplete_fields = ["division"]
    readonly_fields = ["level", "created", "last_updated"]


class CommitteeLevelListFilter(FilterSetListFilter):
    title = _("level of the comprehensive party committee")
    parameter_name = "committee_level"
    filterset_class = PartyOrganizationFilterSet

    def lookups(self, request, model_admin):
        return RegistrationLevel.choices


class PartyOrganizationForm(forms.ModelForm):
    class Meta:
        model = PartyOrganization
        fields = [
            "name",
            "kind",
            "organizations",
            "member_count",
            "committee",
            "secretary",
            "instructor",
            "established_on",
            "dissolved_on",
        ]

    def clean(self):
        cleaned = super().clean()
        kind, organizations = cleaned.get("kind"), cleaned.get("organizations")
        if kind and organizations is not None:
            for problem in coverage_problems(kind, organizations):
                self.add_error("organizations", problem)
        return cleaned


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(RegistryAdmin):
    form = PartyOrganizationForm
    list_display = [
        "name", "kind", "member_count", "committee", "secretary", "instructor", "established_on", "dissolved_on"
    ]  # fmt: skip
    list_filter = ["kind", CommitteeLevelListFilter, "committee", "dissolved_on"]
    search_fields = ["name", "secretary", "instructor", "organizations__name", "organizations__uscc"]
    autocomplete_fields = ["organizations", "committee"]
    list_select_related = ["committee"]
    readonly_fields = ["created", "last_updated"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("organizations", queryset=Organization.objects.only("id", "registered_by")))
        )

    def save_model(self, request, obj, form, change):
        services.party_organization_save(
            party_organization=obj, organizations=form.cleaned_data["organizations"], actor=request.user
        )

    def save_related(self, request, form, formsets, change):
        # The covered organizations were set by the service (which records the change); only formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
