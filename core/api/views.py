from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.access import HISTORY_READERS, check_reinstate, check_write, is_restricted_writer, principal_of
from core.api.serializers import (
    ChangeRecordSerializer,
    ExportLogSerializer,
    ReinstateSerializer,
    StatusChangeSerializer,
)
from core.exceptions import PreconditionFailed
from core.exports.views import ExportMixin
from core.filters import NoQueryParametersOnWrites
from core.filtersets import ChangeRecordFilterSet, ExportLogFilterSet
from core.idempotency import IdempotentPosts
from core.models import ChangeRecord, ExportLog
from core.outbox import record_etag

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="The ETag of the record as last read; a stale one is a 412 and changes nothing.",
)


def etag_for(instance) -> str:
    """The record's ETag (core.outbox.record_etag: the feed's events carry the same)."""
    return record_etag(instance)


def _etag_matches(header: str, current: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or current in tags


class RegistryReadOnlyViewSet(IdempotentPosts, NoQueryParametersOnWrites, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only resources (reference data such as divisions). Lists export to CSV/XLSX (ExportMixin)."""


class RegistryViewSet(
    IdempotentPosts,
    NoQueryParametersOnWrites,
    ExportMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Base of every writable resource: no DELETE (405), atomic writes that answer what a GET
    would, ETag on detail responses and `If-Match` checked with a compare-and-set on
    `last_updated`, so of two writers holding the same ETag exactly one succeeds. Lists export to
    CSV/XLSX (ExportMixin). A POST with `Idempotency-Key` is answered once (IdempotentPosts)."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def reread(self, instance):
        return self.get_queryset().get(pk=instance.pk)

    def respond_with(self, instance, status_code=status.HTTP_200_OK, headers=None):
        instance = self.reread(instance)
        response = Response(self.get_serializer(instance).data, status=status_code, headers=headers)
        response["ETag"] = etag_for(instance)
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag_for(instance)
        return response

    def create(self, request, *args, **kwargs):
        self.check_jurisdiction(request, None)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
            return self.respond_with(instance, status.HTTP_201_CREATED)

    def check_jurisdiction(self, request, instance) -> None:
        """Refuse early (403), before validating the body, a write outside the client's jurisdiction:
        to a record of another district, or (create, update) a body whose related records, as far as
        they resolve, would put the record or one of its guarded links outside it. So a foreign write
        is a 403 whatever else the body holds, and a 400 never speaks of another district's record.
        Only a courtesy: the rule itself is enforced by `HistoryModel.save` in the write."""
        check_write(request.user, before=instance, after=None)
        if self.action not in {"create", "update", "partial_update"} or not is_restricted_writer(request.user):
            return
        drafted = getattr(self.get_serializer(instance), "draft", lambda data: None)(request.data)
        if drafted is not None:
            draft, owner_known = drafted
            check_write(request.user, before=instance, after=draft, owner_known=owner_known or instance is not None)

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_object()
            self.check_jurisdiction(request, instance)
            self.check_if_match(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            instance = serializer.save()
            return self.respond_with(instance)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)

    def check_if_match(self, request, instance) -> None:
        """412 when If-Match is stale; else take the row (compare-and-set on last_updated)."""
        header = request.headers.get("If-Match")
        if not header:
            return
        if not _etag_matches(header, etag_for(instance)):
            raise PreconditionFailed()
        model = type(instance)
        taken = model._base_manager.filter(pk=instance.pk, last_updated=instance.last_updated).update(
            last_updated=instance.last_updated
        )
        if not taken:
            raise PreconditionFailed()

    def run_status_action(
        self,
        request,
        service,
        *,
        target: str,
        body: type[serializers.Serializer] | None = None,
        reinstate: bool = False,
        status_code: int = status.HTTP_200_OK,
    ):
        """The one path of every status action (deregister, revoke, cancel, award, accept, reinstate...).

        In one transaction and in this order: the record (404), clerks only for a reinstate, the
        client's jurisdiction (403 before the body is read), `If-Match` (412 when stale), the body
        (400), then `service(<target>=record, actor=user, **body)`, a body's `date` passed as `on`.
        Answers the record the service returns as a GET would (`status_code`: 201 for a new one)."""
        body = body or (ReinstateSerializer if reinstate else StatusChangeSerializer)
        with transaction.atomic():
            instance = self.get_object()
            if reinstate:
                check_reinstate(request.user)
            self.check_jurisdiction(request, instance)
            self.check_if_match(request, instance)
            data = body(data=request.data)
            data.is_valid(raise_exception=True)
            arguments = {("on" if name == "date" else name): value for name, value in data.validated_data.items()}
            instance = service(**{target: instance, **arguments, "actor": request.user})
            return self.respond_with(instance, status_code)


def status_action(
    name: str,
    service,
    *,
    target: str,
    body: type[serializers.Serializer] | None = None,
    reinstate: bool = False,
    status_code: int = status.HTTP_200_OK,
    responses=None,
):
    """`POST …/{id}/<name>/` running `service` through `RegistryViewSet.run_status_action`:

        withdraw = status_action("withdraw", services.honour_withdraw, target="honour")
        reinstate = status_action("reinstate", services.honour_reinstate, target="honour", reinstate=True)

    `body` defaults to `{"date", "reason"}` (`{"reason"}` for a reinstate, which is for clerks only).
    The action carries `reinstates`, `service` and `target` for the tests (tests/core/test_matrix.py,
    tests/core/test_status_actions.py)."""
    body = body or (ReinstateSerializer if reinstate else StatusChangeSerializer)

    def handler(self, request, pk=None):
        return self.run_status_action(
            request, service, target=target, body=body, reinstate=reinstate, status_code=status_code
        )

    handler.__name__ = name
    handler.__qualname__ = name
    handler.__doc__ = (service.__doc__ or "").strip().split("\n\n")[0]
    schema = {"request": body, "parameters": [IF_MATCH]}
    if responses is not None:
        schema["responses"] = responses
    handler.reinstates = reinstate
    handler.service, handler.target = service, target
    return extend_schema(**schema)(action(detail=True, methods=["post"])(handler))


class ChangeRecordViewSet(RegistryReadOnlyViewSet):
    """`changes/`: the change history, newest first (clerks and auditors)."""

    queryset = ChangeRecord.objects.select_related("content_type")
    serializer_class = ChangeRecordSerializer
    filterset_class = ChangeRecordFilterSet
    reader_roles = HISTORY_READERS


class ExportLogViewSet(RegistryReadOnlyViewSet):
    """`export-log/`: who exported which list with which filters and `as_of`, how many rows, and the
    SHA-256 of the file sent, newest first. Clerks and auditors read every entry; anyone else the
    entries of their own exports (another's is a 403)."""

    queryset = ExportLog.objects.all()
    serializer_class = ExportLogSerializer
    filterset_class = ExportLogFilterSet
    # Readers of every entry; the other roles read their own (`owners_read`: tests/core/test_matrix.py).
    all_readers = HISTORY_READERS
    owners_read = True

    def reads_all(self) -> bool:
        return principal_of(self.request.user).role in self.all_readers

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.detail or self.reads_all():
            return queryset
        return queryset.filter(user_id=self.request.user.pk)

    def get_object(self):
        log = super().get_object()
        if not self.reads_all() and log.user_id != self.request.user.pk:
            raise PermissionDenied(_("Only clerks, auditors and whoever made an export read its log entry."))
        return log
