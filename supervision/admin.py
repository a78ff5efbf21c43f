"""The clerks' worklists of supervision (Chinese): proposals open and overdue, confirmed one by one or
many at once under a decision number; report deadlines; the working-day calendar, with a warning
when a computation reached a year it does not cover. The report worklists (overdue this year, not
yet reviewed) are filters of the annual reports' own list (registry admin)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.actions import StatusActionForm, form_action
from core.admin.bases import ReadOnlyAdmin, RegistryAdmin
from supervision import selectors, services
from supervision.choices import CalendarSource, ProposalStatus
from supervision.models import CalendarDay, CalendarYear, OverdueReporter, ReportDeadline, SupervisionProposal


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("true", _("Overdue")), ("false", _("Not overdue"))]

    def queryset(self, request, queryset):
        condition = selectors.overdue_condition(timezone.localdate())
        if self.value() == "true":
            return queryset.filter(condition)
        if self.value() == "false":
            return queryset.exclude(condition)
        return queryset


class ConfirmForm(StatusActionForm):
    required_css_class = "required"
    reason = None
    decision_number = forms.CharField(label=_("decision number"), max_length=100)
    date = forms.DateField(label=_("date of the decision"), widget=AdminDateWidget())
    field_order = ["decision_number", "date"]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(gettext("The date may not lie in the future."))
        return date


def _confirm(proposal, data, user):
    services.proposal_confirm(proposal=proposal, on=data["date"], decision_number=data["decision_number"], actor=user)


def _dismiss(proposal, data, user):
    services.proposal_dismiss(proposal=proposal, reason=data["reason"], actor=user)


@admin.register(SupervisionProposal)
class SupervisionProposalAdmin(RegistryAdmin):
    list_display = ["organization", "kind", "ground", "basis", "due_on", "overdue_mark", "status", "decision_number"]
    list_filter = ["status", OverdueFilter, "kind", "ground", "calendar_uncovered"]
    search_fields = ["organization__name", "organization__uscc", "decision_number"]
    list_select_related = ["organization"]
    readonly_fields = [field.name for field in SupervisionProposal._meta.fields if field.name != "id"]
    actions = [
        form_action(
            name="confirm", title=_("Confirm (decision number and date)"), form_class=ConfirmForm, run=_confirm
        ),
        form_action(name="dismiss", title=_("Dismiss (with a reason)"), form_class=StatusActionForm, run=_dismiss),
    ]

    def has_add_permission(self, request, *args):
        return False  # the daily job proposes; clerks decide

    @admin.display(boolean=True, description=_("overdue"))
    def overdue_mark(self, proposal):
        return proposal.is_overdue()

    def changelist_view(self, request, extra_context=None):
        uncovered = SupervisionProposal.objects.filter(status=ProposalStatus.OPEN, calendar_uncovered=True)
        if uncovered.exists():
            messages.warning(
                request,
                gettext(
                    "Some open proposals have due dates in a year the working-day calendar does not cover "
                    "(counted as weekends only): add that year's holidays in the working-day calendar."
                ),
            )
        return super().changelist_view(request, extra_context)


@admin.register(ReportDeadline)
class ReportDeadlineAdmin(RegistryAdmin):
    list_display = ["year", "org_type", "deadline"]
    list_filter = ["year", "org_type"]
    readonly_fields = ["created", "last_updated"]


@admin.register(CalendarYear)
class CalendarYearAdmin(RegistryAdmin):
    """A year added here gets its days as weekends only; its holidays are then marked day by day."""

    list_display = ["year", "source"]
    readonly_fields = ["source", "created", "last_updated"]

    def save_model(self, request, obj, form, change):
        if not change:
            services.calendar_year_add(year=obj.year, actor=request.user)
            obj.pk = CalendarYear.objects.get(year=obj.year).pk
            return
        super().save_model(request, obj, form, change)


@admin.register(CalendarDay)
class CalendarDayAdmin(RegistryAdmin):
    list_display = ["day", "working", "name"]
    list_editable = ["working", "name"]
    list_filter = ["working"]
    date_hierarchy = "day"
    search_fields = ["name"]
    readonly_fields = ["created", "last_updated"]

    def has_add_permission(self, request, *args):
        return False  # days come with their year (calendar years)

    def changelist_view(self, request, extra_context=None):
        covered = set(CalendarYear.objects.values_list("year", flat=True))
        next_year = timezone.localdate().year + 1
        if next_year not in covered:
            messages.warning(
                request,
                gettext("The working-day calendar does not cover %(year)d: due dates there count weekends only.")
                % {"year": next_year},
            )
        weekends = CalendarYear.objects.filter(source=CalendarSource.WEEKENDS).values_list("year", flat=True)
        if weekends:
            messages.info(
                request,
                gettext("Entered as weekends only (mark their holidays and swapped working days): %(years)s")
                % {"years": ", ".join(map(str, weekends))},
            )
        return super().changelist_view(request, extra_context)


@admin.register(OverdueReporter)
class OverdueReporterAdmin(ReadOnlyAdmin):
    """Organizations that owed last year's report and had not filed it by its deadline (DESIGN §7)."""

    list_display = ["name", "uscc", "org_type", "registered_by", "registered_on"]
    list_filter = ["org_type", "registered_by"]
    search_fields = ["name", "uscc"]
    list_select_related = ["registered_by"]

    def get_queryset(self, request):
        return selectors.overdue_reporters(timezone.localdate().year - 1, timezone.localdate())
