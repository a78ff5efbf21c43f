"""Admin actions that ask for a date and a reason (or other fields) before they run a service on the
selected records, all in one transaction or none."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin.bases import is_clerk
from core.validators import not_in_future


class StatusActionForm(forms.Form):
    """A reason, kept as typed when the form comes back with an error. Required fields are marked as on
    every admin page (label class "required")."""

    required_css_class = "required"
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))


class LatestDateWidget(AdminDateWidget):
    """The admin's date widget whose calendar offers no day after today (core/latest-date.js)."""

    class Media:
        js = ["core/latest-date.js"]

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-latest": timezone.localdate().isoformat()}
        return super().get_context(name, value, attrs)


class DatedStatusActionForm(StatusActionForm):
    """A date (the admin's date widget, offering no day after today; a later one typed is refused) and a reason."""

    date = forms.DateField(
        label=_("date"), widget=LatestDateWidget(), error_messages={"required": _("A date is required.")}
    )
    field_order = ["date", "reason"]

    def clean(self):
        cleaned = super().clean()
        not_in_future(date=cleaned.get("date"))  # the error stands under the date
        return cleaned


def form_action(*, name: str, title, form_class, run):
    """An admin action that asks for the fields of `form_class`, then calls `run(record, data, user)` on
    every selected record in one transaction (all or none); a refusal names the record and its reason.
    Those who write on the page only (`RegistryAdmin.writes`: clerks, and township desks on filings)."""

    def action(modeladmin, request, queryset):
        writes = getattr(modeladmin, "writes", None)
        if not (writes(request) if writes is not None else is_clerk(request)):
            raise PermissionDenied
        applying = "apply" in request.POST
        form = form_class(request.POST if applying else None)
        if applying and form.is_valid():
            current = None
            try:
                with transaction.atomic():
                    for record in queryset:
                        current = record
                        run(record, form.cleaned_data, request.user)
            except ValidationError as error:
                # Shown on the form again, with what the clerk typed, rather than on the list.
                for message in error.messages:
                    form.add_error(None, f"{current}: {message}")
                return render_action_form(modeladmin, request, queryset, title=title, form=form)
            modeladmin.message_user(
                request,
                _("%(title)s: %(n)d record(s) done.") % {"title": title, "n": queryset.count()},
                messages.SUCCESS,
            )
            return None
        return render_action_form(modeladmin, request, queryset, title=title, form=form)

    action.__name__ = name
    action.short_description = title
    action.allowed_permissions = ("change",)
    return action


def status_action(*, service, target: str, title, needs_date: bool = True):
    """An admin action that asks for a date (unless `needs_date` is off) and a reason, then runs a status
    service on each selected record in one transaction (all or none)."""

    def run(record, data, user):
        arguments = {target: record, "reason": data["reason"], "actor": user}
        if needs_date:
            arguments["on"] = data["date"]
        service(**arguments)

    form_class = DatedStatusActionForm if needs_date else StatusActionForm
    return form_action(name=service.__name__, title=title, form_class=form_class, run=run)


def render_action_form(modeladmin, request, queryset, *, title, form):
    opts = modeladmin.model._meta
    columns = [name for name in ("name", "uscc", "filing_number", "status") if _has_field(opts, name)]
    records = list(queryset)
    if columns:
        headers = [opts.get_field(name).verbose_name for name in columns]
        rows = [[_shown(record, name) for name in columns] for record in records]
    else:
        headers, rows = [opts.verbose_name], [[str(record)] for record in records]
    if len(records) == 1:
        cancel_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[records[0].pk])
    else:
        cancel_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return TemplateResponse(
        request,
        "admin/core/status_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action_name": request.POST.get("action"),
            "opts": modeladmin.model._meta,
            "headers": headers,
            "rows": rows,
            "cancel_url": cancel_url,
            "media": modeladmin.media + form.media,
            "select_across": request.POST.get("select_across", "0"),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        },
    )


def _has_field(opts, name: str) -> bool:
    try:
        opts.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _shown(record, name: str):
    display = getattr(record, f"get_{name}_display", None)
    return display() if display is not None else getattr(record, name) or "—"
