import base64
import binascii

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from integration import feed, webhooks
from integration.models import WebhookDelivery, WebhookSubscription


class FeedEventSerializer(serializers.Serializer):
    """One event of `feed/` (for the schema: the view writes its pages with integration.feed.page_json)."""

    cursor = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    resource = serializers.CharField()
    id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["created", "updated", "status_changed", "left_jurisdiction", "removed"])
    etag = serializers.CharField(allow_null=True)
    data = serializers.DictField(allow_null=True)


@extend_schema_serializer(many=False)  # the feed answers one page object, not a list of them
class FeedPageSerializer(serializers.Serializer):
    results = FeedEventSerializer(many=True)
    next_cursor = serializers.CharField()


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    """A client's webhook: `secret` (`whsec_` and base64 of 24 to 64 random bytes) is write-only."""

    secret = serializers.CharField(write_only=True, max_length=100)
    resources = serializers.ListField(
        child=serializers.ChoiceField(choices=()), required=False, allow_empty=True, max_length=20
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "secret", "resources", "active", "disabled_at", "disabled_reason", "created"]
        read_only_fields = ["id", "disabled_at", "disabled_reason", "created"]

    def get_fields(self):
        fields = super().get_fields()
        fields["resources"].child.choices = sorted(feed.feed_resources())
        if self.instance is not None:
            fields["secret"].required = False
        return fields

    def validate_url(self, value):
        try:
            webhooks.check_target(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate_secret(self, value):
        raw = value.removeprefix("whsec_")
        try:
            key = base64.b64decode(raw, validate=True) if value.startswith("whsec_") else b""
        except (binascii.Error, ValueError):
            key = b""
        if not 24 <= len(key) <= 64:
            raise serializers.ValidationError(
                _("Write the secret as whsec_ followed by 24 to 64 random bytes in base64.")
            )
        return value

    def validate_resources(self, value):
        return sorted(set(value))

    def update(self, instance, validated_data):
        if validated_data.get("active") and not instance.active:
            validated_data.update(disabled_at=None, disabled_reason="")  # switched on again by its owner
        return super().update(instance, validated_data)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook = serializers.IntegerField(source="subscription_id", read_only=True)
    event = serializers.CharField(source="message_id", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook",
            "event",
            "attempt",
            "status",
            "due_at",
            "attempted_at",
            "status_code",
            "duration_ms",
            "error",
            "next_attempt_at",
        ]
        read_only_fields = fields
