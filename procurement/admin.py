from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin.actions import form_action, status_action
from core.admin.bases import RegistryAdmin, RegistryTabularInline
from core.admin_filters import DateRangeFilter
from procurement import selectors, services
from procurement.choices import PURCHASED_STATUSES, YEAR_MAX, YEAR_MIN, FundingSource
from procurement.models import (
    DemandResponse,
    Department,
    ProjectCap,
    PurchasedServiceProject,
    ServiceDemand,
    TransferredFunction,
)
from procurement.rules import last_four_years, yuan
from registry.choices import DivisionLevel
from registry.models import Division, Organization
from registry.validators import normalise_uscc


def _amounts_as_yuan(value):
    """The totals with every amount written as a clerk reads it (250,000.00)."""
    if isinstance(value, dict):
        return {key: yuan(item) if key == "amount" else _amounts_as_yuan(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_amounts_as_yuan(item) for item in value]
    return value


DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
NOTE_WIDGET = forms.Textarea(attrs={"rows": 3})


class AwardForm(forms.Form):
    provider = forms.CharField(label=_("provider's unified social credit code"), max_length=40)
    date = forms.DateField(label=_("award date"), widget=DATE_WIDGET)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty to keep the amount recorded for the project."),
    )
    reason = forms.CharField(label=_("note"), required=False, widget=NOTE_WIDGET)

    def clean_provider(self):
        code = normalise_uscc(self.cleaned_data["provider"])
        provider = Organization.objects.filter(uscc=code).first()
        if provider is None:
            raise ValidationError(_("No organization with this credit code is registered."))
        return provider


class DateNoteForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("note"), required=False, widget=NOTE_WIDGET)


def _award(project, data, user):
    services.project_award(
        project=project,
        provider=data["provider"],
        on=data["date"],
        amount=data["amount"],
        reason=data["reason"],
        actor=user,
    )


def _deliver(project, data, user):
    services.project_deliver(project=project, on=data["date"], reason=data["reason"], actor=user)


def _accept(response, data, user):
    services.demand_response_accept(response=response, on=data["date"], reason=data["reason"], actor=user)


@admin.register(Department)
class DepartmentAdmin(RegistryAdmin):
    list_display = ["name", "division", "is_demo"]
    list_filter = [("division", admin.RelatedOnlyFieldListFilter), "is_demo"]  # historical codes only where used
    search_fields = ["name"]
    readonly_fields = ["is_demo", "created", "last_updated"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division":
            kwargs["queryset"] = Division.objects.filter(
                level__in=[DivisionLevel.CITY, DivisionLevel.DISTRICT], successor__isnull=True
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProjectCap)
class ProjectCapAdmin(RegistryAdmin):
    list_display = ["effective_from", "amount", "policy"]
    readonly_fields = ["created", "last_updated"]


class ProviderDistrictFilter(admin.SimpleListFilter):
    title = _("provider's district")
    parameter_name = "provider_district"

    def lookups(self, request, model_admin):
        divisions = Division.objects.filter(
            level__in=[DivisionLevel.CITY, DivisionLevel.DISTRICT], successor__isnull=True
        ).order_by("code")
        return [(division.code, division.name) for division in divisions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(provider__registered_by_id=self.value())
        return queryset


class CapExceptionFilter(admin.SimpleListFilter):
    title = _("cap exception")
    parameter_name = "cap_exception"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        condition = Q(cap_exception_approved_on__isnull=False)
        if self.value() == "yes":
            return queryset.filter(condition)
        if self.value() == "no":
            return queryset.exclude(condition)
        return queryset


class TotalsForm(forms.Form):
    year_from = forms.IntegerField(label=_("year from"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    year_until = forms.IntegerField(label=_("year until"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    department = forms.ModelChoiceField(
        label=_("purchasing department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
    )
    funding_source = forms.ChoiceField(
        label=_("funding source"), choices=[("", _("All funding sources")), *FundingSource.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("year_from") and data.get("year_until") and data["year_from"] > data["year_until"]:
            self.add_error("year_until", _("The range ends before it begins."))
        return data


@admin.register(PurchasedServiceProject)
class PurchasedServiceProjectAdmin(RegistryAdmin):
    # The registry's list (export buttons) plus the link to the totals and the sum of the filtered list.
    change_list_template = "admin/procurement/purchasedserviceproject/change_list.html"
    list_display = [
        "title",
        "year",
        "purchaser",
        "provider",
        "amount_display",
        "status",
        "grade_display",
        "below_priority_flag",
        "has_exception",
    ]
    list_filter = [
        "year",
        "status",
        "funding_source",
        "below_priority_flag",
        CapExceptionFilter,
        ProviderDistrictFilter,
        "purchaser",
        ("awarded_on", DateRangeFilter),
    ]
    search_fields = ["title", "purchaser__name", "provider__name", "provider__uscc"]
    list_select_related = ["purchaser", "provider"]
    readonly_fields = [
        "cap_display",
        "status",
        "provider",
        "awarded_on",
        "grade_display",
        "below_priority_flag",
        "delivered_on",
        "cancelled_on",
        "cancellation_reason",
        "is_demo",
        "created",
        "last_updated",
    ]
    fieldsets = [
        (None, {"fields": ["title", "description", "purchaser", "year", "announced_on"]}),
        (_("Amount and cap"), {"fields": ["amount", "funding_source", "cap_display"]}),
        (
            _("Exception to the cap (原则上)"),
            {
                "fields": ["cap_exception_approved_by", "cap_exception_reason", "cap_exception_approved_on"],
                "description": _(
                    "Only when the amount exceeds the per-project cap of the year: who approved it, why and when."
                ),
            },
        ),
        (
            _("Award and status"),
            {
                "fields": [
                    "status",
                    "provider",
                    "awarded_on",
                    "grade_display",
                    "below_priority_flag",
                    "delivered_on",
                    "cancelled_on",
                    "cancellation_reason",
                ],
                "description": _("Changed only by the actions of the list: award, deliver, cancel, reinstate."),
            },
        ),
        (_("Record"), {"fields": ["is_demo", "created", "last_updated"]}),
    ]
    actions = [
        form_action(form_class=AwardForm, run=_award, title=_("Award to a provider"), name="project_award"),
        form_action(form_class=DateNoteForm, run=_deliver, title=_("Record delivery"), name="project_deliver"),
        status_action(service=services.project_cancel, target="project", title=_("Cancel the project")),
        status_action(
            service=services.project_reinstate,
            target="project",
            title=_("Undo the latest status change"),
            needs_date=False,
        ),
    ]

    def get_queryset(self, request):
        return selectors.with_cap(super().get_queryset(request))

    @admin.display(description=_("amount (yuan)"), ordering="amount")
    def amount_display(self, project):
        return yuan(project.amount)

    @admin.display(description=_("cap of the year (yuan)"))
    def cap_display(self, project):
        cap = getattr(project, "cap", None)
        return "—" if cap is None else yuan(cap)

    @admin.display(description=_("grade at award"), ordering="grade_at_award")
    def grade_display(self, project):
        if project.awarded_on is None:
            return "—"
        return _("none") if project.grade_at_award is None else f"{project.grade_at_award}A"

    @admin.display(description=_("cap exception"), boolean=True)
    def has_exception(self, project):
        return project.cap_exception_approved_on is not None

    def get_urls(self):
        totals = path(
            "totals/",
            self.admin_site.admin_view(self.totals_view),
            name="procurement_purchasedserviceproject_totals",
        )
        return [totals, *super().get_urls()]

    def totals_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        window = last_four_years(timezone.localdate())
        form = TotalsForm(request.GET or None, initial={"year_from": window[0], "year_until": window[-1]})
        totals = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            totals = selectors.procurement_totals(
                year_from=data["year_from"],
                year_until=data["year_until"],
                department=data["department"],
                funding_source=data["funding_source"] or None,
            )
        elif not form.is_bound:
            totals = selectors.procurement_totals()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Purchased services: totals per year and per department"),
            "totals": _amounts_as_yuan(totals) if totals is not None else None,
            "opts": self.model._meta,
            "form": form,
            "changelist_url": reverse("admin:procurement_purchasedserviceproject_changelist"),
        }
        return TemplateResponse(request, "admin/procurement/totals.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "totals_url": reverse("admin:procurement_purchasedserviceproject_totals"),
        }
        response = super().changelist_view(request, extra_context=extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            summary = changelist.queryset.order_by().aggregate(
                projects=Count("id"),
                purchased=Count("id", filter=Q(status__in=PURCHASED_STATUSES)),
                amount=Sum("amount", filter=Q(status__in=PURCHASED_STATUSES)),
            )
            response.context_data["procurement_summary"] = {
                **summary,
                "amount": yuan(summary["amount"] or 0),
            }
        return response


class DemandResponseInline(RegistryTabularInline):
    model = DemandResponse
    extra = 0
    fields = ["organization", "responded_on", "note", "accepted", "accepted_on", "project"]
    readonly_fields = ["accepted", "accepted_on"]
    autocomplete_fields = ["organization", "project"]


@admin.register(ServiceDemand)
class ServiceDemandAdmin(RegistryAdmin):
    list_display = ["title", "department", "published_on", "status", "response_count"]
    list_filter = ["status", "department", ("published_on", DateRangeFilter)]
    search_fields = ["title", "department__name"]
    list_select_related = ["department"]
    readonly_fields = ["status", "closed_on", "close_reason", "is_demo", "created", "last_updated"]
    inlines = [DemandResponseInline]
    actions = [
        status_action(service=services.demand_close, target="demand", title=_("Close the demand")),
        status_action(
            service=services.demand_reinstate, target="demand", title=_("Reopen (undo closing)"), needs_date=False
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(response_total=Count("responses"))

    @admin.display(description=_("responses"), ordering="response_total")
    def response_count(self, demand):
        return demand.response_total


@admin.register(DemandResponse)
class DemandResponseAdmin(RegistryAdmin):
    list_display = ["organization", "demand", "responded_on", "accepted", "accepted_on", "project"]
    list_filter = ["accepted", "demand__department"]
    search_fields = ["organization__name", "organization__uscc", "demand__title"]
    list_select_related = ["organization", "demand", "project"]
    readonly_fields = ["accepted", "accepted_on", "created", "last_updated"]
    autocomplete_fields = ["demand", "organization", "project"]
    actions = [form_action(form_class=DateNoteForm, run=_accept, title=_("Accept the response"), name="accept")]


@admin.register(TransferredFunction)
class TransferredFunctionAdmin(RegistryAdmin):
    list_display = ["batch", "item_number", "name", "department", "category", "receiver_count"]
    list_display_links = ["name"]
    list_filter = ["batch", "category", "department"]
    search_fields = ["name", "department__name", "receiving_organizations__name"]
    list_select_related = ["department"]
    autocomplete_fields = ["receiving_organizations"]
    readonly_fields = ["is_demo", "created", "last_updated"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(receiver_total=Count("receiving_organizations", distinct=True))

    @admin.display(description=_("receiving organizations"), ordering="receiver_total")
    def receiver_count(self, function):
        return function.receiver_total
