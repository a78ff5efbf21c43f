from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin.bases import ReadOnlyAdmin, RegistryAdmin, is_clerk
from integration import webhooks
from integration.models import WebhookDelivery, WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(RegistryAdmin):
    """Clients' webhooks. A webhook disabled after its deliveries kept failing is announced at the top of
    the list with its reason; its owner (or a clerk, ticking `active`) switches it on again."""

    list_display = ["id", "owner", "url", "active", "disabled_at", "disabled_reason"]
    list_filter = ["active"]
    search_fields = ["url", "owner__username"]
    fields = ["owner", "url", "resources", "active", "disabled_at", "disabled_reason"]
    readonly_fields = ["owner", "disabled_at", "disabled_reason"]

    def has_add_permission(self, request, *args):
        return False  # clients make their own, through the API, with their own secret

    def changelist_view(self, request, extra_context=None):
        for subscription in WebhookSubscription.objects.filter(active=False, disabled_at__isnull=False):
            messages.warning(
                request,
                gettext("Webhook %(webhook)s was disabled on %(when)s after repeated failures: %(reason)s")
                % {
                    "webhook": subscription,
                    "when": f"{subscription.disabled_at:%Y-%m-%d %H:%M}",
                    "reason": subscription.disabled_reason,
                },
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if obj.active:
            obj.disabled_at, obj.disabled_reason = None, ""
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "subscription",
        "message_id",
        "attempt",
        "status",
        "status_code",
        "duration_ms",
        "attempted_at",
        "next_attempt_at",
    ]
    list_filter = ["status"]
    search_fields = ["message_id", "subscription__url"]
    actions = ["resend"]

    @admin.action(description=_("Re-send the selected deliveries"))
    def resend(self, request, queryset):
        if not is_clerk(request):
            return
        for delivery in queryset:
            webhooks.resend(delivery)
        self.message_user(request, gettext("%(count)d deliveries will be sent again.") % {"count": queryset.count()})
