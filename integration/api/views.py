import json

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from core.choices import Role
from core.filters import NoQueryParametersOnWrites
from core.idempotency import IdempotentPosts
from integration import feed, webhooks
from integration.api.serializers import FeedPageSerializer, WebhookDeliverySerializer, WebhookSubscriptionSerializer
from integration.models import WebhookDelivery, WebhookSubscription

# Clients that keep a system in step: the city's clerks, district systems, township desks (DESIGN §10).
SUBSCRIBER_ROLES = frozenset({Role.CLERK, Role.DISTRICT, *([Role.TOWNSHIP] if hasattr(Role, "TOWNSHIP") else [])})
FEED_PARAMETERS = {"after", "limit"}


class FeedPage(str):
    """A page of the feed as JSON text already written (integration.feed.page_json)."""


class FeedRenderer(JSONRenderer):
    """Sends a FeedPage as it is: the stored renderings are never parsed. Indented (the browsable API)
    or anything else: as JSONRenderer writes it."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, FeedPage):
            if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
                return data.encode()
            data = json.loads(data)
        return super().render(data, accepted_media_type, renderer_context)


class FeedViewSet(viewsets.GenericViewSet):
    """`feed/`: every committed change of the feed's resources, in commit order, as this client may read
    it: `?after=<next_cursor>&limit=<1–1000>`. District systems (and township desks) get the events of
    their district's records and a `left_jurisdiction` tombstone when one leaves it."""

    queryset = None  # events are read by integration.feed, not through a queryset of the view
    pagination_class = None
    renderer_classes = [FeedRenderer, BrowsableAPIRenderer]
    filter_backends = []

    @extend_schema(
        parameters=[
            OpenApiParameter("after", str, description="The next_cursor of the previous page; absent: from the start."),
            OpenApiParameter("limit", int, description="Events per page, 1–1000 (default 100)."),
        ],
        responses=FeedPageSerializer,
    )
    def list(self, request):
        unknown = sorted(set(request.query_params) - FEED_PARAMETERS)
        if unknown:
            raise ValidationError({name: [_("Unknown query parameter.")] for name in unknown})
        raw = request.query_params.get("after")
        cursor = feed.decode_cursor(raw) if raw is not None else None
        limit = feed.parse_limit(request.query_params.get("limit"))
        events = feed.events_after(cursor, district=feed.reader_district(request.user), limit=limit)
        if events:
            next_cursor = feed.encode_cursor(events[-1].xid, events[-1].pk)
        else:
            next_cursor = raw if raw is not None else feed.encode_cursor(0, 0)
        return Response(FeedPage(feed.page_json(events, request.user, next_cursor, request)))


class WebhookViewSet(IdempotentPosts, NoQueryParametersOnWrites, viewsets.ModelViewSet):
    """`webhooks/`: this client's webhook subscriptions (each client sees only its own)."""

    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookSubscriptionSerializer
    reader_roles = SUBSCRIBER_ROLES
    roles_tested_in = "tests/integration/test_roles.py"  # owner-scoped: outside the district matrix

    def get_queryset(self):
        return super().get_queryset().filter(owner=self.request.user).order_by("id")

    def perform_create(self, serializer):
        with transaction.atomic():
            subscription = WebhookSubscription(owner=self.request.user)
            webhooks.start_at_feed_end(subscription)
            serializer.save(
                owner=self.request.user, cursor_xid=subscription.cursor_xid, cursor_id=subscription.cursor_id
            )


class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`webhook-deliveries/`: every attempt to deliver an event to this client's webhooks, newest first."""

    queryset = WebhookDelivery.objects.all()
    serializer_class = WebhookDeliverySerializer
    reader_roles = SUBSCRIBER_ROLES
    roles_tested_in = "tests/integration/test_roles.py"

    def get_queryset(self):
        return super().get_queryset().filter(subscription__owner=self.request.user).order_by("-id")
