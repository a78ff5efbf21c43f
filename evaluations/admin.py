"""The evaluation procedure in the admin (Chinese): a round's page with its applications counted by status,
the printable public-notice list (公示名单) and certificates, bulk steps with confirmation, and the
worklists: applications waiting on each step, objections due, ratings to invite to apply."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin.actions import form_action
from core.admin.bases import FilterSetListFilter, RegistryAdmin
from core.admin_filters import DateRangeFilter
from evaluations import services
from evaluations.choices import INVITE_WITHIN_DAYS, ApplicationStatus, WaitingOn
from evaluations.filtersets import EvaluationApplicationFilterSet
from evaluations.models import EvaluationApplication, EvaluationRound, Objection
from evaluations.views import certificate_context
from ratings.models import Evaluation

DATE_WIDGET = AdminDateWidget()


class StepForm(forms.Form):
    required_css_class = "required"
    date = forms.DateField(label=_("date"), widget=DATE_WIDGET)


class AcceptForm(StepForm):
    override_reason = forms.CharField(
        label=_("reason for accepting despite a refusal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Only when an organization fails an eligibility rule and is accepted all the same."),
    )


class RefuseForm(StepForm):
    reason = forms.CharField(label=_("reason"), required=False, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class ScoreForm(StepForm):
    score = forms.DecimalField(label=_("score"), max_digits=7, decimal_places=2, min_value=0)


class WithdrawForm(StepForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class DecideForm(StepForm):
    decision = forms.CharField(label=_("review decision"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


def _step(service, **fields):
    def run(record, data, user):
        service(application=record, on=data["date"], actor=user, **{name: data.get(name, "") for name in fields})

    return run


accept_action = form_action(
    name="accept",
    title=_("Accept the selected applications"),
    form_class=AcceptForm,
    run=_step(services.application_accept, override_reason=True),
)
refuse_action = form_action(
    name="refuse",
    title=_("Refuse the selected applications"),
    form_class=RefuseForm,
    run=_step(services.application_refuse, reason=True),
)
score_action = form_action(
    name="score",
    title=_("Record the score of the selected applications"),
    form_class=ScoreForm,
    run=lambda record, data, user: services.application_score(
        application=record, on=data["date"], score=data["score"], actor=user
    ),
)
publish_action = form_action(
    name="publish",
    title=_("Publish the selected results (public notice)"),
    form_class=StepForm,
    run=_step(services.application_publish),
)
conclude_action = form_action(
    name="conclude",
    title=_("Conclude the selected applications (confirm the grades)"),
    form_class=StepForm,
    run=_step(services.application_conclude),
)
withdraw_action = form_action(
    name="withdraw",
    title=_("Withdraw the selected applications"),
    form_class=WithdrawForm,
    run=_step(services.application_withdraw, reason=True),
)
decide_action = form_action(
    name="decide",
    title=_("Decide the selected objections"),
    form_class=DecideForm,
    run=lambda record, data, user: services.objection_decide(
        objection=record, on=data["date"], decision=data["decision"], actor=user
    ),
)


def status_counts(applications) -> list[tuple[str, str, int]]:
    """(status, label, count) of every status, in the order of the steps, from one query."""
    counted = dict(applications.order_by().values_list("status").annotate(n=Count("pk")))
    return [(value, label, counted.get(value, 0)) for value, label in ApplicationStatus.choices]


def worklists(today: datetime.date) -> dict:
    """What waits on the clerk: applications by the step they wait on, objections due, ratings to renew."""
    applications = EvaluationApplication.objects.order_by()
    waiting = applications.aggregate(
        to_accept=Count("pk", filter=Q(status=ApplicationStatus.APPLIED)),
        to_score=Count("pk", filter=Q(status=ApplicationStatus.ACCEPTED)),
        to_publish=Count("pk", filter=Q(status=ApplicationStatus.SCORED)),
        in_notice=Count("pk", filter=Q(status=ApplicationStatus.PUBLIC_NOTICE, notice_until__gte=today)),
        to_conclude=Count("pk", filter=Q(status=ApplicationStatus.PUBLIC_NOTICE, notice_until__lt=today)),
    )
    objections = Objection.objects.order_by().aggregate(
        undecided=Count("pk", filter=Q(decided_on__isnull=True)),
        overdue=Count("pk", filter=Q(decided_on__isnull=True, decision_due_on__lt=today)),
    )
    expiring = {
        days: Evaluation.objects.valid_on(today).filter(valid_until__lt=today + datetime.timedelta(days=days)).count()
        for days in INVITE_WITHIN_DAYS
    }
    return {"waiting": waiting, "objections": objections, "expiring": expiring}


class WaitingOnFilter(FilterSetListFilter):
    """The worklist of each step: what the application waits on today (the API's `waiting_on`)."""

    title = _("waiting on")
    parameter_name = "waiting_on"
    filterset_class = EvaluationApplicationFilterSet

    def lookups(self, request, model_admin):
        return WaitingOn.choices


class ObjectionDueFilter(admin.SimpleListFilter):
    """Objections whose review is still to be decided, and those past their 15 days."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("undecided", _("to be decided")), ("overdue", _("overdue")), ("decided", _("decided"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "undecided":
            return queryset.filter(decided_on__isnull=True)
        if value == "overdue":
            return queryset.overdue(timezone.localdate())
        if value == "decided":
            return queryset.filter(decided_on__isnull=False)
        return queryset


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(RegistryAdmin):
    list_display = [
        "name",
        "year",
        "authority",
        "applications_from",
        "applications_until",
        "public_notice_days",
        "application_count",
    ]
    list_filter = ["year", "authority"]
    search_fields = ["name"]
    list_select_related = ["authority"]
    change_form_template = "admin/evaluations/evaluationround/change_form.html"
    fields = [
        "year",
        "name",
        "authority",
        "applications_from",
        "applications_until",
        "public_notice_days",
        "max_score",
        "min_score_5a",
        "min_score_4a",
        "min_score_3a",
        "min_score_2a",
        "min_score_1a",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(applications_counted=Count("applications"))

    @admin.display(description=_("applications"), ordering="applications_counted")
    def application_count(self, round_):
        return round_.applications_counted

    def get_urls(self):
        own = [
            path(
                "<int:pk>/notice-list/",
                self.admin_site.admin_view(self.notice_list_view),
                name="evaluations_evaluationround_notice_list",
            ),
            path(
                "<int:pk>/certificates/",
                self.admin_site.admin_view(self.certificates_view),
                name="evaluations_evaluationround_certificates",
            ),
        ]
        return [*own, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        round_ = EvaluationRound.objects.filter(pk=object_id).first() if str(object_id).isdigit() else None
        if round_ is not None:
            listing = reverse("admin:evaluations_evaluationapplication_changelist")
            extra_context.update(
                {
                    "status_counts": [
                        (label, count, f"{listing}?round__id__exact={round_.pk}&status__exact={value}")
                        for value, label, count in status_counts(round_.applications.all())
                    ],
                    "applications_url": f"{listing}?round__id__exact={round_.pk}",
                    "notice_list_url": reverse("admin:evaluations_evaluationround_notice_list", args=[round_.pk]),
                    "certificates_url": reverse("admin:evaluations_evaluationround_certificates", args=[round_.pk]),
                }
            )
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def _round(self, request, pk: int) -> EvaluationRound:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(EvaluationRound.objects.select_related("authority"), pk=pk)

    def notice_list_view(self, request, pk: int):
        """公示名单: the round's results in public notice (or published and since concluded), printable."""
        round_ = self._round(request, pk)
        rows = (
            round_.applications.filter(notice_from__isnull=False)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .select_related("organization")
            .order_by("-grade", "-score", "organization__name")
        )
        return TemplateResponse(request, "evaluations/notice_list.html", {"round": round_, "rows": rows})

    def certificates_view(self, request, pk: int):
        """Every certificate of the round's concluded applications, one page each, for printing."""
        round_ = self._round(request, pk)
        ratings = (
            Evaluation.objects.filter(application__round=round_)
            .select_related("organization__registered_by")
            .order_by("organization__name")
        )
        return TemplateResponse(
            request,
            "evaluations/certificate.html",
            {"certificates": [certificate_context(evaluation) for evaluation in ratings], "round": round_},
        )


@admin.register(EvaluationApplication)
class EvaluationApplicationAdmin(RegistryAdmin):
    list_display = [
        "organization",
        "round",
        "applied_on",
        "status",
        "score",
        "grade",
        "notice_until",
        "concluded_on",
    ]
    list_filter = [WaitingOnFilter, "status", "round", ("applied_on", DateRangeFilter)]
    search_fields = ["organization__name", "organization__uscc"]
    list_select_related = ["organization", "round"]
    autocomplete_fields = ["organization"]
    actions = [
        accept_action,
        refuse_action,
        score_action,
        publish_action,
        conclude_action,
        withdraw_action,
    ]
    change_list_template = "admin/evaluations/evaluationapplication/change_list.html"
    readonly_fields = [
        "status",
        "status_date",
        "eligibility_list",
        "accepted_on",
        "acceptance_reason",
        "refused_on",
        "refusal_reason",
        "score",
        "scored_on",
        "proposed_grade",
        "grade",
        "grade_reason",
        "notice_from",
        "notice_until",
        "concluded_on",
        "rating_link",
        "withdrawn_on",
        "withdrawal_reason",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["round", "organization", *self.readonly_fields]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["round", "organization", "applied_on"]
        return ["round", "organization", "applied_on", *self.readonly_fields]

    @admin.display(description=_("eligibility refusals"))
    def eligibility_list(self, application):
        return "；".join(application.eligibility_reasons) or "—"

    @admin.display(description=_("rating concluded"))
    def rating_link(self, application):
        if application.evaluation_id is None:
            return "—"
        url = reverse("admin:ratings_evaluation_change", args=[application.evaluation_id])
        certificate = reverse("evaluation-certificate", args=[application.evaluation_id])
        return format_html(
            '<a href="{}">{}</a> · <a href="{}" target="_blank">{}</a>',
            url,
            application.evaluation,
            certificate,
            _("certificate"),
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "worklists": worklists(timezone.localdate())}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Objection)
class ObjectionAdmin(RegistryAdmin):
    list_display = ["application", "filed_on", "decision_due_on", "is_overdue", "decided_on"]
    list_filter = [ObjectionDueFilter, ("filed_on", DateRangeFilter)]
    search_fields = ["application__organization__name", "grounds"]
    list_select_related = ["application__organization", "application__round"]
    autocomplete_fields = []
    raw_id_fields = ["application"]
    actions = [decide_action]
    readonly_fields = ["decision_due_on", "decision", "decided_on"]

    @admin.display(description=_("review overdue"), boolean=True)
    def is_overdue(self, objection):
        return objection.overdue
