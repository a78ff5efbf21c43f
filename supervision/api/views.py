from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.views import RegistryReadOnlyViewSet, RegistryViewSet, etag_for, status_action
from supervision import selectors, services
from supervision.api.serializers import (
    BulkConfirmSerializer,
    ConfirmSerializer,
    DismissSerializer,
    ReportDeadlineSerializer,
    SupervisionProposalSerializer,
)
from supervision.filtersets import ReportDeadlineFilterSet, SupervisionProposalFilterSet
from supervision.models import ReportDeadline, SupervisionProposal


class ReportDeadlineViewSet(RegistryViewSet):
    """`report-deadlines/`: the deadline of the annual reports of a year, per type or for all (clerks write)."""

    queryset = ReportDeadline.objects.order_by("-year", "org_type", "id")
    serializer_class = ReportDeadlineSerializer
    filterset_class = ReportDeadlineFilterSet


class SupervisionProposalViewSet(RegistryReadOnlyViewSet):
    """`supervision-proposals/`: what the daily job proposes; read-only but for the decisions on it.
    The decisions take the one action path of every status action (jurisdiction, If-Match, one
    transaction), borrowed from RegistryViewSet."""

    queryset = SupervisionProposal.objects.order_by("due_on", "id")
    serializer_class = SupervisionProposalSerializer
    filterset_class = SupervisionProposalFilterSet

    run_status_action = RegistryViewSet.run_status_action
    check_jurisdiction = RegistryViewSet.check_jurisdiction
    check_if_match = RegistryViewSet.check_if_match
    respond_with = RegistryViewSet.respond_with
    reread = RegistryViewSet.reread

    def get_queryset(self):
        return selectors.with_overdue(super().get_queryset())

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    confirm = status_action("confirm", services.proposal_confirm, target="proposal", body=ConfirmSerializer)
    dismiss = status_action("dismiss", services.proposal_dismiss, target="proposal", body=DismissSerializer)

    @extend_schema(
        operation_id="supervision_proposals_confirm_all",
        request=BulkConfirmSerializer,
        responses=SupervisionProposalSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="confirm", url_name="confirm-all")
    def confirm_all(self, request):
        """Confirm many proposals under one decision, all or nothing."""
        body = BulkConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            with transaction.atomic():
                confirmed = services.proposals_confirm(
                    ids=data["ids"], on=data["date"], decision_number=data["decision_number"], actor=request.user
                )
        except services.BatchRefused as refused:
            return Response({"errors": refused.errors}, status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        rows = self.get_queryset().filter(pk__in=[p.pk for p in confirmed])
        return Response({"results": self.get_serializer(rows, many=True).data})
