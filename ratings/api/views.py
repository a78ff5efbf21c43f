from rest_framework import status

from core.api.views import RegistryViewSet, status_action
from core.asof import requested_day
from ratings import services
from ratings.api.serializers import (
    EvaluationDowngradeSerializer,
    EvaluationRevokeSerializer,
    EvaluationSerializer,
    HonourSerializer,
)
from ratings.filtersets import EvaluationFilterSet, HonourFilterSet
from ratings.models import Evaluation, Honour


class EvaluationViewSet(RegistryViewSet):
    queryset = Evaluation.objects.select_related("organization")
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilterSet

    def get_queryset(self):
        # Each rating's status on the day the list is read as of (today without `as_of`).
        return super().get_queryset().with_status(requested_day(getattr(self, "request", None)))

    revoke = status_action("revoke", services.evaluation_revoke, target="evaluation", body=EvaluationRevokeSerializer)
    downgrade = status_action(
        "downgrade",
        services.evaluation_downgrade,
        target="evaluation",
        body=EvaluationDowngradeSerializer,
        status_code=status.HTTP_201_CREATED,  # answers the new, lower rating
        responses={201: EvaluationSerializer},
    )
    reinstate = status_action("reinstate", services.evaluation_reinstate, target="evaluation", reinstate=True)


class HonourViewSet(RegistryViewSet):
    queryset = Honour.objects.select_related("organization", "community_organization")
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet

    withdraw = status_action("withdraw", services.honour_withdraw, target="honour")
    reinstate = status_action("reinstate", services.honour_reinstate, target="honour", reinstate=True)
