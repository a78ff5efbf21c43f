from django import forms
from django.contrib import admin
from django.contrib.admin.utils import display_for_value
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin.actions import status_action
from core.admin.bases import (
    FilterSetListFilter,
    RegistryAdmin,
    RegistryTabularInline,
    added_and_shown_at,
    is_clerk,
    reads_admin,
    short_label,
    township_desk_of,
)
from core.admin_filters import DateRangeFilter
from core.choices import Role
from core.personal_data import blind_index, mask_id_number
from registry import extensions, services
from registry.choices import (
    CreditList,
    DivisionKind,
    DivisionLevel,
    RegistrationEventKind,
    RegistrationLevel,
    ReportResult,
)
from registry.events import registration_details
from registry.filtersets import DivisionFilterSet, OrganizationFilterSet, PartyOrganizationFilterSet
from registry.models import (
    AdministrativePenalty,
    AnnualReport,
    CommunityOrganization,
    ComprehensivePartyCommittee,
    CreditListEntry,
    Division,
    Organization,
    OrganizationPerson,
    PartyCoverage,
    PartyOrganization,
    RegistrationEvent,
)
from registry.models.events import REGISTERED_FACTS
from registry.models.party import coverage_problems
from registry.models.people import normalise_id_number


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


class PublicFlagForm(forms.ModelForm):
    """`public` as a choice (公示 / 不公示), which a browser always sends: a form posted without it (by a
    client that predates the field) keeps the record's value, where an unticked checkbox, absent from
    a post, would withhold the record."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("public")
        if field is None:  # read-only for this user
            return
        field.widget = forms.Select(choices=[(True, _("public")), (False, _("not public"))])
        if self.is_bound and "public" not in self.data:
            self.data = self.data.copy()
            self.data["public"] = str(self.instance.public)


def clerk_only_readonly(request, model) -> list[str]:
    """The model's clerk-only fields (whether it is public), read-only for anyone but a writing clerk;
    core.access.check_write refuses the write anyway."""
    principal = principal_of(request.user)
    if principal.role == Role.CLERK and principal.can_write:
        return []
    return list(getattr(model, "clerk_only_fields", ()))


# What apps above registry show of organizations (ratings: the current grade, ratings and honours).
EXTENDED_ADMINS = extensions.mixins("admin")


class OrganizationPersonInline(RegistryTabularInline):
    model = OrganizationPerson
    fields = ["role", "name", "id_number", "phone", "started_on", "ended_on"]
    ordering = ["role", "-started_on"]

    def get_fields(self, request, obj=None):
        if is_clerk(request):
            return self.fields
        return ["role", "name", "id_number_masked", "phone", "started_on", "ended_on"]

    def get_readonly_fields(self, request, obj=None):
        return [] if is_clerk(request) else self.get_fields(request, obj)

    @admin.display(description=_("identity card number"))
    def id_number_masked(self, person):
        return mask_id_number(person.id_number) if person.id_number else "-"


class RegistrationEventInline(admin.TabularInline):
    """The organization's registration timeline (DESIGN §9): written by the registry, never edited."""

    model = RegistrationEvent
    fields = ["date", "kind", "approval_number", "changes", "reason"]
    readonly_fields = fields
    ordering = ["date", "id"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("registration timeline")

    def has_view_permission(self, request, obj=None):
        return reads_admin(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("registered facts before → after"))
    def changes(self, event):
        names = {name: str(Organization._meta.get_field(name).verbose_name) for name in REGISTERED_FACTS}
        rows = [
            f"{names.get(name, name)}：{event.before.get(name) or '—'} → {event.after.get(name) or '—'}"
            for name in REGISTERED_FACTS
            if name in event.before
        ]
        if not rows and event.after and event.kind == RegistrationEventKind.ESTABLISHED:
            rows = [
                f"{names.get(name, name)}：{event.after[name]}" for name in REGISTERED_FACTS if event.after.get(name)
            ]
        return format_html_join("", "<div>{}</div>", ((row,) for row in rows)) if rows else "-"


@admin.register(OrganizationPerson)
class OrganizationPersonAdmin(RegistryAdmin):
    """Responsible people; clerks find a person by the whole identity card number (its keyed index)."""

    list_display = ["name", "role", "organization", "id_number_masked", "started_on", "ended_on"]
    list_filter = ["role", ("started_on", DateRangeFilter), "is_demo"]
    search_fields = ["name", "organization__name", "organization__uscc"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["created", "last_updated"]

    def get_fields(self, request, obj=None):
        fields = ["organization", "role", "name", "id_number", "phone", "started_on", "ended_on", "created"]
        if not is_clerk(request):
            fields[fields.index("id_number")] = "id_number_masked"
        return fields + ["last_updated"]

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        # Whole for clerks (the admin has no district users), masked (330212********1234) for the others.
        return [("id_number" if name == "id_number_masked" and is_clerk(request) else name) for name in shown]

    def get_readonly_fields(self, request, obj=None):
        if is_clerk(request):
            return self.readonly_fields
        return self.get_fields(request, obj)

    @admin.display(description=_("identity card number"))
    def id_number_masked(self, person):
        return mask_id_number(person.id_number) if person.id_number else "-"

    def get_search_results(self, request, queryset, search_term):
        number = normalise_id_number(search_term)
        if len(number) == 18 and number[:17].isdigit() and is_clerk(request):
            return queryset.filter(id_number_index=blind_index(number)), False
        return super().get_search_results(request, queryset, search_term)


class OrganizationAdminForm(PublicFlagForm):
    """The organization's form, with the date and approval number (核准文号) the registration event of a
    change of its registered facts carries (registry.events.registration_details); both optional."""

    registration_change_on = forms.DateField(
        label=_("date of the registration change"),
        required=False,
        widget=AdminDateWidget(),
        help_text=_("When a registered fact changes: the date it was approved (empty: today)."),
    )
    approval_number = forms.CharField(
        label=_("approval number"),
        required=False,
        max_length=100,
        help_text=_("When a registered fact changes: the approval number (核准文号), if there is one."),
    )

    class Meta:
        model = Organization
        # Every editable field, as the admin's default form (the admin decides what it shows).
        fields = [
            field.name for field in Organization._meta.concrete_fields if field.editable and not field.auto_created
        ]


@admin.register(Organization)
class OrganizationAdmin(*EXTENDED_ADMINS, RegistryAdmin):
    list_display = [
        "name",
        "uscc",
        "org_type",
        "registration_level",
        "registered_by_short",
        "status",
        "registered_on",
        *extensions.gathered(EXTENDED_ADMINS, "organization_columns"),
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
        *extensions.gathered(EXTENDED_ADMINS, "organization_list_filters"),
        "is_demo",
    ]
    search_fields = ["name", "uscc"]
    ordering = ["-registered_on", "-pk"]  # the newest registrations first
    list_select_related = ["registered_by"]
    readonly_fields = ["registration_level", "status", "status_date", "status_reason", "created", "last_updated"]
    autocomplete_fields = ["registered_by", "domicile"]
    inlines = [
        OrganizationPersonInline,
        RegistrationEventInline,
        AnnualReportInline,
        AdministrativePenaltyInline,
        CreditListEntryInline,
        PartyCoverageInline,
        *extensions.gathered(EXTENDED_ADMINS, "organization_inlines"),
    ]
    importable = True
    form = OrganizationAdminForm

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self.writes(request):  # the change's date and number are asked of those who change it
            fields = [name for name in fields if name not in OrganizationAdminForm.declared_fields]
        return fields

    def save_model(self, request, obj, form, change):
        with registration_details(
            on=form.cleaned_data.get("registration_change_on"),
            approval_number=form.cleaned_data.get("approval_number", ""),
        ):
            super().save_model(request, obj, form, change)

    actions = [
        status_action(service=services.organization_deregister, target="organization", title=_("Deregister")),
        status_action(service=services.organization_revoke, target="organization", title=_("Revoke registration")),
        status_action(
            service=services.organization_reinstate, target="organization", title=_("Reinstate"), needs_date=False
        ),
    ]

    @admin.display(description=_("registering authority"), ordering="registered_by")
    def registered_by_short(self, organization):
        return short_label(organization.registered_by)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *clerk_only_readonly(request, self.model)]

    def response_add(self, request, obj, post_url_continue=None):
        # A new registration opens on its own page, where its ratings and annual reports are added next.
        change_url = reverse("admin:registry_organization_change", args=[obj.pk])
        return added_and_shown_at(self, request, obj, change_url) or super().response_add(
            request, obj, post_url_continue
        )


@admin.register(CommunityOrganization)
class CommunityOrganizationAdmin(RegistryAdmin):
    form = PublicFlagForm
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

    readonly_fields = ["district", "status", "status_date", "status_reason", "created", "last_updated"]
    inlines = extensions.filing_inlines()
    fieldsets = [
        (None, {"fields": ["filing_number", "name", "township", "community", "district", "urban"]}),
        (_("Filing"), {"fields": ["category", "field", "filed_on", "contact_person", "contact_phone", "member_count"]}),
        (_("Activity"), {"fields": ["active", "last_active_on", "registered_as"]}),
        (_("Public register"), {"fields": ["public", "not_public_reason"]}),
        (_("Status"), {"fields": ["status", "status_date", "status_reason", "created", "last_updated"]}),
    ]
    actions = [
        status_action(service=services.filing_cancel, target="filing", title=_("Cancel filing")),
        status_action(service=services.filing_reinstate, target="filing", title=_("Reinstate"), needs_date=False),
    ]

    @admin.display(description=_("township or street"), ordering="township")
    def township_short(self, filing):
        return short_label(filing.township)

    @admin.display(description=_("community"), ordering="community")
    def community_short(self, filing):
        return short_label(filing.community)

    def get_readonly_fields(self, request, obj=None):
        fields = [*super().get_readonly_fields(request, obj), *clerk_only_readonly(request, self.model)]
        if obj is not None:
            fields.append("filing_number")  # a filing number never changes
        if township_desk_of(request):
            # A township desk files in its own township and links no filing to an organization (DESIGN §9).
            fields += ["township", "registered_as"]
        return fields

    # --- township filing desks (DESIGN §9): this page only, their own township only ---------------

    def has_view_permission(self, request, obj=None):
        desk = township_desk_of(request)
        if desk:
            return obj is None or obj.township_id == desk
        return reads_admin(request)

    def writes(self, request) -> bool:
        return is_clerk(request) or (bool(township_desk_of(request)) and principal_of(request.user).can_write)

    def has_change_permission(self, request, obj=None):
        desk = township_desk_of(request)
        if desk and obj is not None and obj.township_id != desk:
            return False
        return self.writes(request)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_clerk(request):
            actions.pop(services.filing_reinstate.__name__, None)  # undoing a status is the bureau's
        return actions

    def get_autocomplete_fields(self, request):
        if township_desk_of(request):
            return []  # the divisions' page is not theirs: communities come as a list of their township's
        return super().get_autocomplete_fields(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        desk = township_desk_of(request)
        if desk and db_field.name == "community":
            kwargs["queryset"] = Division.objects.filter(parent_id=desk, level=DivisionLevel.COMMUNITY)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        desk = township_desk_of(request)
        if not desk or obj is not None:
            return form

        class DeskFilingForm(form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.instance.township_id = desk  # the fixed township, validated with the rest

        return DeskFilingForm

    def changelist_view(self, request, extra_context=None):
        desk = township_desk_of(request)
        if desk and request.GET.get(FilingTownshipListFilter.parameter_name) != desk:
            # The township filter is preselected and fixed: any other selection comes back to it.
            query = request.GET.copy()
            query[FilingTownshipListFilter.parameter_name] = desk
            query.pop("district__code__exact", None)
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        desk = township_desk_of(request)
        if desk:
            filing = self.get_object(request, object_id)
            if filing is not None and filing.township_id != desk:
                raise PermissionDenied  # another township's filing: refused, never "not found"
        return super().change_view(request, object_id, form_url, extra_context)


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
