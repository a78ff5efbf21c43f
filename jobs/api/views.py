from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from core.access import principal_of
from core.choices import ChangeSource, Role
from core.exports.views import CONTENT_TYPES, attachment_header
from core.filters import NoQueryParametersOnWrites
from core.idempotency import IdempotentPosts
from jobs.api.serializers import ExportJobSerializer, ExportRequestSerializer
from jobs.exports import export_request, exports_storage
from jobs.filtersets import ExportJobFilterSet
from jobs.models import ExportJob, ExportStatus


class ExportPermission(permissions.BasePermission):
    """Every role exports (DESIGN §5), auditors and read-only tokens included: asking for a file reads."""

    def has_permission(self, request, view):
        principal = principal_of(request.user)
        if principal.role is None:
            return False
        return request.method in permissions.SAFE_METHODS or request.method == "POST" or principal.can_write


class NotReady(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The export is not done yet: poll exports/{id}/ until its status is done."


class Expired(APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "The export's file has expired; ask for the export again."


class ExportJobViewSet(
    IdempotentPosts,
    NoQueryParametersOnWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """`exports/`: long exports. POST asks (202), GET shows the status and the rows written, `file/`
    downloads the file when done. An export is seen by whoever asked and by clerks (others: 403)."""

    queryset = ExportJob.objects.select_related("requested_by")
    serializer_class = ExportJobSerializer
    filterset_class = ExportJobFilterSet
    permission_classes = [ExportPermission]
    http_method_names = ["get", "post", "head", "options"]
    # For tests/core/test_matrix.py: a POST here reads (every role may), answers 202 and writes no history;
    # a record is seen by its requester and by clerks only.
    posts_are_reads = True
    create_status = status.HTTP_202_ACCEPTED
    owner_only = True

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list" and principal_of(self.request.user).role != Role.CLERK:
            queryset = queryset.filter(requested_by=self.request.user)
        return queryset

    def get_object(self):
        job = super().get_object()
        if principal_of(self.request.user).role != Role.CLERK and job.requested_by_id != self.request.user.pk:
            raise PermissionDenied(_("Only whoever asked for an export, and the bureau's clerks, see it."))
        return job

    @extend_schema(request=ExportRequestSerializer, responses={202: ExportJobSerializer})
    def create(self, request, *args, **kwargs):
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = export_request(
            user=request.user,
            resource=body.validated_data["resource"],
            params=body.validated_data["params"],
            file_format=body.validated_data["format"],
            source=ChangeSource.API,
            request_id=getattr(request, "request_id", ""),
        )
        data = self.get_serializer(job).data
        location = request.build_absolute_uri(f"{request.path.rstrip('/')}/{job.pk}/")
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": location})

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="file")
    def file(self, request, pk=None):
        job = self.get_object()
        if job.status == ExportStatus.EXPIRED:
            raise Expired()
        if job.status != ExportStatus.DONE or not job.file:
            raise NotReady()
        response = FileResponse(exports_storage().open(job.file, "rb"), content_type=CONTENT_TYPES[job.file_format])
        response["Content-Disposition"] = attachment_header(
            title=job.title or job.resource, resource=job.resource, file_format=job.file_format
        )
        response["X-Export-Rows"] = str(job.progress)
        return response
