import datetime

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import principal_of
from core.admin.actions import LatestDateWidget, form_action, status_action
from core.admin.bases import FilterSetListFilter, RegistryAdmin, added_and_shown_at
from core.admin_filters import DateRangeFilter
from ratings import services
from ratings.choices import EvaluationStatus, Grade, RevocationGround
from ratings.filtersets import EvaluationFilterSet, OrganizationGradeFilterSet
from ratings.models import Evaluation, Honour
from ratings.selectors import CURRENT_GRADE, with_current_grade


class EvaluationStatusFilter(FilterSetListFilter):
    title = _("status today")
    parameter_name = "status"
    filterset_class = EvaluationFilterSet

    def lookups(self, request, model_admin):
        return EvaluationStatus.choices


class ExpiryFilter(admin.SimpleListFilter):
    """Ratings valid today that lapse within the next N days (the clerk's renewal worklist)."""

    title = _("expiry")
    parameter_name = "expires_within"
    DAYS = (30, 90, 180, 365)

    def lookups(self, request, model_admin):
        return [(str(days), _("Expires within %(days)d days") % {"days": days}) for days in self.DAYS]

    def queryset(self, request, queryset):
        if self.value() not in {str(days) for days in self.DAYS}:
            return queryset
        today = timezone.localdate()
        limit = today + datetime.timedelta(days=int(self.value()))
        return queryset.valid_on(today).filter(valid_until__lt=limit)


class CurrentGradeFilter(FilterSetListFilter):
    """Organizations by their grade today (for the organizations list), through the organizations' filter
    set as the API's `grade=` (`none`: no grade in force)."""

    title = _("current grade")
    parameter_name = "grade"

    @property
    def filterset_class(self):
        from registry.filtersets import OrganizationFilterSet  # assembled with this app's grade filters

        return OrganizationFilterSet

    def lookups(self, request, model_admin):
        return OrganizationGradeFilterSet.base_filters["grade"].extra["choices"]


class ReadableInline:
    """A read-only list on a record's page, for clerks and auditors; absent while the record is being added
    (it has nothing to list yet, and the add form then posts no data for it)."""

    @staticmethod
    def _reads(request) -> bool:
        return principal_of(request.user).reads_history

    def has_view_permission(self, request, obj=None):
        # `obj` is the record whose page it is; None on its add page.
        return obj is not None and self._reads(request)

    def get_queryset(self, request):
        # Django's inline asks for the view permission without the record here; the role decides.
        queryset = admin.options.BaseModelAdmin.get_queryset(self, request)
        return queryset if self._reads(request) else queryset.none()


class EvaluationInline(ReadableInline, admin.TabularInline):
    """The organization's ratings, newest first; they are concluded, revoked and lowered on their own page."""

    model = Evaluation
    fk_name = "organization"
    template = "admin/ratings/evaluation_inline.html"
    fields = [
        "grade",
        "score",
        "max_score",
        "concluded_on",
        "valid_until",
        "status_today",
        "revoked_on",
        "revocation_reason",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status today"))
    def status_today(self, evaluation):
        return EvaluationStatus(evaluation.status).label if evaluation.status else "—"


class HonourInline(ReadableInline, admin.TabularInline):
    model = Honour
    fk_name = "organization"
    fields = ["kind", "year", "title", "person_name", "issuing_body", "withdrawn_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FilingHonourInline(HonourInline):
    """The "three hundred best" honours of a community organization filing, on the filing's page."""

    fk_name = "community_organization"


class OrganizationGradeAdminMixin:
    """What the organizations admin shows of ratings: the grade today as a column and a filter, the ratings
    and honours on an organization's page (registry's hook, ratings/extensions.py)."""

    organization_columns = ["current_grade_display"]
    organization_list_filters = [CurrentGradeFilter]
    organization_inlines = [EvaluationInline, HonourInline]

    def get_queryset(self, request):
        return with_current_grade(super().get_queryset(request))

    @admin.display(description=_("current grade"), ordering=CURRENT_GRADE)
    def current_grade_display(self, organization):
        grade = getattr(organization, CURRENT_GRADE, None)
        return Grade(grade).label if grade else "—"


class EvaluationAddForm(forms.ModelForm):
    """Concluding a rating: the eligibility rules are checked here, so a refusal shows on the form."""

    class Meta:
        model = Evaluation
        fields = ["organization", "grade", "score", "max_score", "concluded_on"]

    def clean(self):
        cleaned = super().clean()
        organization, concluded_on = cleaned.get("organization"), cleaned.get("concluded_on")
        if organization is not None and concluded_on is not None:
            for refusal in services.eligibility_refusals(organization=organization, on=concluded_on):
                self.add_error("organization", refusal)
        return cleaned


class RevokeForm(forms.Form):
    date = forms.DateField(label=_("revocation date"), widget=LatestDateWidget())
    ground = forms.ChoiceField(label=_("ground"), choices=RevocationGround.choices, initial=RevocationGround.OTHER)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DowngradeForm(RevokeForm):
    grade = forms.TypedChoiceField(label=_("new grade"), choices=Grade.choices, coerce=int)


class ReinstateForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}))


def _revoke(record, data, user):
    services.evaluation_revoke(
        evaluation=record, on=data["date"], reason=data["reason"], ground=data["ground"], actor=user
    )


def _downgrade(record, data, user):
    services.evaluation_downgrade(
        evaluation=record,
        on=data["date"],
        grade=data["grade"],
        reason=data["reason"],
        ground=data["ground"],
        actor=user,
    )


def _reinstate(record, data, user):
    services.evaluation_reinstate(evaluation=record, reason=data["reason"], actor=user)


@admin.register(Evaluation)
class EvaluationAdmin(RegistryAdmin):
    list_display = [
        "organization",
        "grade",
        "score",
        "concluded_on",
        "valid_until",
        "status_today",
        "revoked_on",
    ]
    list_filter = [
        "grade",
        EvaluationStatusFilter,
        ExpiryFilter,
        ("concluded_on", DateRangeFilter),
        "revocation_ground",
    ]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = [
        "organization",
        "grade",
        "concluded_on",
        "valid_until",
        "status_today",
        "downgraded_from",
        "revoked_on",
        "revocation_ground",
        "revocation_reason",
        "created",
        "last_updated",
    ]
    actions = [
        form_action(name="evaluation_revoke", title=_("Revoke rating"), form_class=RevokeForm, run=_revoke),
        form_action(name="evaluation_downgrade", title=_("Lower rating"), form_class=DowngradeForm, run=_downgrade),
        form_action(name="evaluation_reinstate", title=_("Reinstate rating"), form_class=ReinstateForm, run=_reinstate),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = EvaluationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organization", "grade", "score", "max_score", "concluded_on"]
        return [
            "organization",
            "grade",
            "score",
            "max_score",
            "concluded_on",
            "valid_until",
            "status_today",
            "downgraded_from",
            "revoked_on",
            "revocation_ground",
            "revocation_reason",
            "created",
            "last_updated",
        ]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        concluded = services.evaluation_conclude(
            organization=obj.organization,
            grade=obj.grade,
            concluded_on=obj.concluded_on,
            score=obj.score,
            max_score=obj.max_score,
            actor=request.user,
        )
        obj.pk = concluded.pk
        obj._state.adding = False

    def response_add(self, request, obj, post_url_continue=None):
        # Concluded from an organization's page ("Conclude a new rating for this organization"): back there.
        if request.GET.get("organization"):
            organization_url = reverse("admin:registry_organization_change", args=[obj.organization_id])
            response = added_and_shown_at(self, request, obj, organization_url)
            if response is not None:
                return response
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description=_("status today"))
    def status_today(self, evaluation):
        return EvaluationStatus(evaluation.status).label if evaluation.status else "—"


@admin.register(Honour)
class HonourAdmin(RegistryAdmin):
    list_display = [
        "year",
        "kind",
        "organization",
        "community_organization",
        "person_name",
        "hundred_best_list",
        "title",
        "issuing_body",
        "withdrawn_on",
    ]
    list_filter = ["kind", "hundred_best_list", "year", ("withdrawn_on", admin.EmptyFieldListFilter)]
    search_fields = ["person_name", "organization__name", "community_organization__name", "title"]
    list_select_related = ["organization", "community_organization"]
    autocomplete_fields = ["organization", "community_organization"]
    readonly_fields = ["withdrawn_on", "withdrawal_reason"]
    actions = [
        status_action(service=services.honour_withdraw, target="honour", title=_("Withdraw honour")),
        status_action(
            service=services.honour_reinstate, target="honour", title=_("Reinstate honour"), needs_date=False
        ),
    ]
