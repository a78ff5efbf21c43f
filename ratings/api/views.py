from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from core.api.serializers import ReinstateSerializer, StatusChangeSerializer
from core.api.views import RegistryViewSet
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
        return super().get_queryset().with_status()

    @extend_schema(request=EvaluationRevokeSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        evaluation = self.get_object()
        body = EvaluationRevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            evaluation = services.evaluation_revoke(
                evaluation=evaluation,
                on=body.validated_data["date"],
                reason=body.validated_data["reason"],
                ground=body.validated_data["ground"],
                actor=request.user,
            )
            return self.respond_with(evaluation)

    @extend_schema(request=EvaluationDowngradeSerializer, responses={201: EvaluationSerializer})
    @action(detail=True, methods=["post"])
    def downgrade(self, request, pk=None):
        """Revoke this rating and conclude a lower one the same day; answers the new rating (201)."""
        evaluation = self.get_object()
        body = EvaluationDowngradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            lower = services.evaluation_downgrade(
                evaluation=evaluation,
                on=body.validated_data["date"],
                grade=body.validated_data["grade"],
                reason=body.validated_data["reason"],
                ground=body.validated_data["ground"],
                score=body.validated_data.get("score"),
                max_score=body.validated_data.get("max_score"),
                actor=request.user,
            )
            return self.respond_with(lower, status.HTTP_201_CREATED)

    @extend_schema(request=ReinstateSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.evaluation_reinstate, target="evaluation", reinstate=True)


class HonourViewSet(RegistryViewSet):
    queryset = Honour.objects.select_related("organization", "community_organization")
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet

    @extend_schema(request=StatusChangeSerializer, responses=HonourSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤销荣誉: withdrawn from the date given; from that day the honour no longer counts."""
        return self.run_status_action(request, services.honour_withdraw, target="honour")

    @extend_schema(request=ReinstateSerializer, responses=HonourSerializer)
    @action(detail=True, methods=["post"], clerk_only_action=True)
    def reinstate(self, request, pk=None):
        return self.run_status_action(request, services.honour_reinstate, target="honour", reinstate=True)
