"""The admin of access: API tokens (issued and revoked by clerks), people's access profiles, and the
locks of failed logins."""

import datetime

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.bases import RegistryAdmin, is_clerk
from core.choices import Role
from core.models import AccessProfile, ApiToken
from core.models.access import validate_rate
from core.roles import roles_of_groups
from core.services import token_revoke


def api_client_accounts():
    """Accounts that may hold API tokens: API clients (an access profile), never a person's staff login."""
    return (
        get_user_model()
        .objects.filter(access_profile__isnull=False, is_staff=False, is_superuser=False, is_active=True)
        .order_by("username")
    )


class ApiTokenIssueForm(forms.ModelForm):
    lifetime_days = forms.IntegerField(
        label=_("valid for (days)"), min_value=1, max_value=3650, initial=settings.REGISTRY_TOKEN_LIFETIME_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "read_only", "rate_limit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = api_client_accounts()
        self.fields["user"].help_text = _(
            "API client accounts are created with: python manage.py create_api_client NAME --role ROLE"
        )
        self.fields["rate_limit"].validators = [validate_rate]


@admin.register(ApiToken)
class ApiTokenAdmin(RegistryAdmin):
    """Clerks issue tokens (the key is shown once, on the page that follows) and revoke them; a stored
    token is never edited and its key cannot be shown again: it is not stored."""

    list_display = [
        "user",
        "name",
        "prefix",
        "created",
        "expires_at",
        "revoked_at",
        "read_only",
        "rate_limit",
        "last_used",
        "active",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "prefix"]
    actions = ["revoke_tokens"]
    fields = ["user", "name", "prefix", "created", "expires_at", "revoked_at", "read_only", "rate_limit", "last_used"]
    readonly_fields = fields

    @admin.display(description=_("active"), boolean=True)
    def active(self, token):
        return token.is_active

    def has_change_permission(self, request, obj=None):
        # Actions (revoke) need the change permission; a stored token itself is never edited.
        return obj is None and is_clerk(request)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenIssueForm
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "read_only", "rate_limit", "lifetime_days"]
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        request._issued_key = obj.assign_new_key()
        obj.expires_at = timezone.now() + datetime.timedelta(days=form.cleaned_data["lifetime_days"])
        obj.full_clean()
        obj.save()

    def response_add(self, request, obj, post_url_continue=None):
        """Show the key on the page that answers the form: never in a message cookie, session or log."""
        response = TemplateResponse(
            request,
            "admin/core/apitoken/issued.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("API token issued"),
                "token": obj,
                "key": request._issued_key,
                "opts": self.opts,
            },
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke_tokens(self, request, queryset):
        if not is_clerk(request):
            raise PermissionDenied
        with transaction.atomic():
            revoked = [token_revoke(token=token, actor=request.user) for token in queryset if token.revoked_at is None]
        self.message_user(request, gettext("%(n)d token(s) revoked.") % {"n": len(revoked)}, messages.SUCCESS)


@admin.register(AccessProfile)
class AccessProfileAdmin(RegistryAdmin):
    """API client accounts (created by `create_api_client`) and the bindings of admin users: clerks may
    correct the district, the township and the description, and bind an admin user of the township desk
    group to its township (DESIGN §9; docs/admin-guide.zh.md)."""

    list_display = ["user", "role", "district_code", "township_code", "description", "active_tokens"]
    list_select_related = ["user"]
    search_fields = ["user__username", "district_code", "township_code", "description"]
    fields = ["user", "district_code", "township_code", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("user__groups", "user__api_tokens")

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    @admin.display(description=_("role"))
    def role(self, profile):
        roles = roles_of_groups(group.name for group in profile.user.groups.all())
        return ", ".join(str(label) for value, label in Role.choices if value in roles) or "—"

    @admin.display(description=_("active tokens"))
    def active_tokens(self, profile):
        return sum(1 for token in profile.user.api_tokens.all() if token.is_active)


class LockedFilter(admin.SimpleListFilter):
    title = _("locked")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=settings.AXES_FAILURE_LIMIT)
        return queryset


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins by user name and address (django-axes), and which of them are locked: clerks read
    them and lift a lock; the rows go when the lock runs out (docs/decisions/0131-login-lockout.md)."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked_until"]
    list_filter = [LockedFilter, "attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = [
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "locked_until",
        "path_info",
        "user_agent",
    ]
    readonly_fields = fields
    actions = ["lift_locks"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("locked until"))
    def locked_until(self, attempt: AccessAttempt):
        if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
            return gettext("not locked (%(left)d attempts left)") % {
                "left": settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
            }
        return timezone.localtime(attempt.attempt_time + settings.AXES_COOLOFF_TIME)

    @admin.action(description=_("Lift the lock of the selected user names and addresses"), permissions=["change"])
    def lift_locks(self, request, queryset):
        count = queryset.count()
        queryset.delete()  # as axes resets a lock: the failures counted go, and the lock with them
        self.message_user(request, gettext("%(count)d locks lifted.") % {"count": count}, messages.SUCCESS)
