from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin.actions import status_action
from core.admin.bases import FilterSetListFilter, ReadOnlyAdmin, RegistryAdmin, RegistryTabularInline
from core.admin_filters import DateRangeFilter
from core.exports.views import CONTENT_TYPES, CSV, FORMATS, XLSX, attachment_header, filters_of, log_title
from core.exports.writers import csv_chunks, xlsx_chunks
from core.models import ExportLog
from platforms import services
from platforms.choices import PlatformGrade
from platforms.filtersets import PlatformFilterSet
from platforms.models import (
    FilingSupport,
    Incubation,
    Platform,
    PlatformFunding,
    PlatformRating,
    StandardisationAssessment,
    TownshipCoverage,
)
from platforms.selectors import filings_per_platform, platform_list, township_coverage
from registry.choices import DivisionLevel
from registry.models import Division


class StandardisationAssessmentInline(RegistryTabularInline):
    model = StandardisationAssessment
    fields = ["standard", "year", "result", "assessed_on", "assessor", "notes"]


class PlatformFundingInline(RegistryTabularInline):
    model = PlatformFunding
    fields = ["year", "source", "amount", "notes"]


class PlatformRatingInline(RegistryTabularInline):
    model = PlatformRating
    fields = ["year", "grade", "assessor", "notes"]


class IncubationInline(RegistryTabularInline):
    model = Incubation
    fields = ["organization", "filing", "incubated_from", "incubated_until", "notes"]
    autocomplete_fields = ["organization", "filing"]


class DistrictListFilter(FilterSetListFilter):
    title = _("district")
    parameter_name = "district"
    filterset_class = PlatformFilterSet

    def lookups(self, request, model_admin):
        districts = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code")
        return [(row.code, row.name) for row in districts]


class StandardizedListFilter(FilterSetListFilter):
    title = _("standardised")
    parameter_name = "standardized"
    filterset_class = PlatformFilterSet

    def lookups(self, request, model_admin):
        return [("true", _("Yes")), ("false", _("No"))]


class OpenListFilter(admin.SimpleListFilter):
    title = _("operating")
    parameter_name = "operating"

    def lookups(self, request, model_admin):
        return [("open", _("Open")), ("closed", _("Closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(closed_on__isnull=True)
        if self.value() == "closed":
            return queryset.filter(closed_on__isnull=False)
        return queryset


class PlatformAdminForm(forms.ModelForm):
    """Validates the served townships with the division and level entered on the same form (not the
    stored ones), through the model's own rules. Its model and fields come from the admin's fieldsets."""

    def clean(self):
        cleaned = super().clean()
        if "served_townships" in self.fields:
            self.instance.stage_served_townships(cleaned.get("served_townships"))
        return cleaned


@admin.register(Platform)
class PlatformAdmin(RegistryAdmin):
    form = PlatformAdminForm
    list_display = [
        "name",
        "kind",
        "level",
        "division",
        "served_township_names",
        "party_service_centre",
        "standardized_flag",
        "latest_rating_grade",
        "opened_on",
        "closed_on",
    ]
    list_filter = [
        "kind",
        "level",
        DistrictListFilter,
        StandardizedListFilter,
        "party_service_centre",
        OpenListFilter,
        "is_demo",
        ("opened_on", DateRangeFilter),
    ]
    search_fields = ["name", "address", "division__name", "served_townships__name", "operator__name"]
    autocomplete_fields = ["division", "served_townships", "operator"]
    readonly_fields = ["standardized_flag", "latest_rating_grade", "created", "last_updated"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "kind", "level", "division", "served_townships", "operator", "party_service_centre"]},
        ),
        (_("Operation"), {"fields": ["opened_on", "closed_on", "address", "floor_area", "staff_count"]}),
        (_("Assessment and rating"), {"fields": ["standardized_flag", "latest_rating_grade"]}),
        (_("Record"), {"fields": ["created", "last_updated"]}),
    ]
    inlines = [StandardisationAssessmentInline, PlatformFundingInline, PlatformRatingInline, IncubationInline]
    actions = [
        status_action(service=services.platform_close, target="platform", title=_("Close platform")),
        status_action(
            service=services.platform_reopen, target="platform", title=_("Reopen platform"), needs_date=False
        ),
    ]

    def get_queryset(self, request):
        return platform_list(super().get_queryset(request))

    def save_related(self, request, form, formsets, change):
        """The served townships go through the service (validated again, and their change recorded in
        the history), not through the form's plain many-to-many save."""
        townships = form.cleaned_data.pop("served_townships", None)
        super().save_related(request, form, formsets, change)
        if townships is not None:
            services.platform_set_served_townships(
                platform=form.instance, townships=list(townships), actor=request.user
            )

    @admin.display(description=_("other townships served"))
    def served_township_names(self, platform):
        names = [township.name for township in platform.served_townships.all()]
        return "、".join(names) if names else "-"

    @admin.display(description=_("standardised"), boolean=True, ordering="standardized")
    def standardized_flag(self, platform):
        return getattr(platform, "standardized", None)

    @admin.display(description=_("latest rating"))
    def latest_rating_grade(self, platform):
        grade = getattr(platform, "latest_rating_grade", None)
        if grade is None:
            return "-"
        return f"{platform.latest_rating_year} {PlatformGrade(grade).label}"


class PlatformRecordAdmin(RegistryAdmin):
    list_select_related = ["platform"]
    autocomplete_fields = ["platform"]
    search_fields = ["platform__name"]
    readonly_fields = ["created", "last_updated"]


@admin.register(StandardisationAssessment)
class StandardisationAssessmentAdmin(PlatformRecordAdmin):
    list_display = ["platform", "standard", "year", "result", "assessed_on", "assessor"]
    list_filter = ["standard", "result", "year", "platform__level", ("assessed_on", DateRangeFilter)]


@admin.register(PlatformRating)
class PlatformRatingAdmin(PlatformRecordAdmin):
    list_display = ["platform", "year", "grade", "assessor"]
    list_filter = ["grade", "year", "platform__level"]


@admin.register(PlatformFunding)
class PlatformFundingAdmin(PlatformRecordAdmin):
    list_display = ["platform", "year", "source", "amount"]
    list_filter = ["source", "year", "platform__level"]


@admin.register(Incubation)
class IncubationAdmin(PlatformRecordAdmin):
    list_display = ["platform", "organization", "filing", "incubated_from", "incubated_until"]
    list_select_related = ["platform", "organization", "filing"]
    autocomplete_fields = ["platform", "organization", "filing"]
    search_fields = ["platform__name", "organization__name", "filing__name", "filing__filing_number"]


@admin.register(FilingSupport)
class FilingSupportAdmin(RegistryAdmin):
    """The platform set to support a filing instead of its township's default platform."""

    list_display = ["filing", "platform", "notes"]
    list_select_related = ["filing", "platform"]
    autocomplete_fields = ["filing", "platform"]
    search_fields = ["filing__name", "filing__filing_number", "platform__name"]
    readonly_fields = ["created", "last_updated"]


class CoverageForm(forms.Form):
    as_of = forms.DateField(label=_("as of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    district = forms.ChoiceField(label=_("district"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts = Division.objects.filter(level=DivisionLevel.DISTRICT, successor__isnull=True).order_by("code")
        self.fields["district"].choices = [("", _("All districts"))] + [(row.code, row.name) for row in districts]


def coverage_table(rows, *, as_of) -> tuple[list[str], list[list]]:
    """The coverage page's table by district, as a file shows it: one row per district."""
    headers = [
        gettext("district"), gettext("district code"), gettext("townships"), gettext("covered"),
        gettext("of which served by another township's platform"), gettext("townships without a platform"),
        gettext("functional zones"), gettext("as of"),
    ]  # fmt: skip
    table = [
        [
            row.name,
            row.code,
            row.townships,
            row.covered,
            row.served_by_neighbour,
            "、".join(f"{township.name}（{township.code}）" for township in row.uncovered),
            row.zones,
            as_of,
        ]  # fmt: skip
        for row in rows
    ]
    return headers, table


def coverage_export(request, rows, *, as_of, file_format: str) -> HttpResponse:
    """The table of the coverage page as CSV or XLSX (the list exports' writers), in the export log."""
    title = gettext_lazy("Township coverage by platforms")
    headers, table = coverage_table(rows, as_of=as_of)
    ExportLog.record(
        resource="platform-coverage",
        title=log_title(title),
        file_format=file_format,
        filters=filters_of(request.GET),
        row_count=len(table),
        user=request.user,
    )
    chunks = csv_chunks(headers, table) if file_format == CSV else xlsx_chunks(headers, table, title=str(title))
    response = HttpResponse(b"".join(chunks), content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = attachment_header(
        title=str(title), resource="platform-coverage", file_format=file_format
    )
    return response


@admin.register(TownshipCoverage)
class TownshipCoverageAdmin(ReadOnlyAdmin):
    """Not a list of records but one page: the townships that no township-level platform open on a date
    sits in or serves."""

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.copy()
        file_format = query.pop("format", [None])[-1]
        form = CoverageForm(query or {"as_of": timezone.localdate()})
        rows = None
        context = {}
        if form.is_valid():
            as_of = form.cleaned_data["as_of"] or timezone.localdate()
            rows = township_coverage(as_of, form.cleaned_data["district"] or None)
            if file_format in FORMATS:
                return coverage_export(request, rows, as_of=as_of, file_format=file_format)
            shown = {"as_of": as_of.isoformat(), "district": form.cleaned_data["district"] or ""}
            exports = [
                (f"?{urlencode({**shown, 'format': CSV})}", _("Export the table (CSV)")),
                (f"?{urlencode({**shown, 'format': XLSX})}", _("Export the table (Excel)")),
            ]
            filings, unsupported = filings_per_platform(as_of, form.cleaned_data["district"] or None)
            townships = sum(row.townships for row in rows)
            uncovered = sum(len(row.uncovered) for row in rows)
            context = {
                "as_of": as_of,
                "townships": townships,
                "covered": townships - uncovered,
                "uncovered_count": uncovered,
                "served_by_neighbour": sum(row.served_by_neighbour for row in rows),
                "zones": sum(row.zones for row in rows),
                "zones_with_platform": sum(row.zones_with_platform for row in rows),
                "filings_by_platform": filings,
                "filings_without_platform": unsupported,
                "exports": exports,
            }
        return TemplateResponse(
            request,
            "admin/platforms/coverage.html",
            {
                **self.admin_site.each_context(request),
                **context,
                "title": TownshipCoverage._meta.verbose_name_plural,
                "opts": self.model._meta,
                "form": form,
                "rows": rows,
            },
        )
