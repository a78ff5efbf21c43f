"""`POST <resource>/bulk/`: the viewset mixin and the OpenAPI schema of its body and answers."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core.bulk.engine import CREATED, ROW_ERRORS_KEY, UPDATED, BulkSync
from core.choices import ChangeSource
from core.exceptions import PayloadTooLarge
from core.filters import StrictBooleanField
from core.parsers import RegistryJSONParser

BulkResultSerializer = inline_serializer(
    "BulkResult",
    {
        "results": serializers.ListField(
            child=inline_serializer(
                "BulkResultRow",
                {
                    "index": serializers.IntegerField(),
                    "id": serializers.IntegerField(),
                    "action": serializers.ChoiceField(choices=[CREATED, UPDATED]),
                },
            )
        )
    },
)


BulkErrorsSerializer = inline_serializer(
    "BulkErrors",
    {
        "errors": serializers.ListField(
            child=serializers.DictField(),
            help_text=gettext_lazy('Every bad row: {"index": 317, "<field>": ["message", ...]}.'),
        )
    },
)


# A 400 is the rows' errors, or an error about the whole body (not a list; not JSON).
BulkBadRequestSerializer = PolymorphicProxySerializer(
    component_name="BulkBadRequest",
    serializers=[
        BulkErrorsSerializer,
        inline_serializer("BulkBodyError", {ROW_ERRORS_KEY: serializers.ListField(child=serializers.CharField())}),
        inline_serializer("BulkParseError", {"detail": serializers.CharField()}),
    ],
    resource_type_field_name=None,
)


# `POST <resource>/bulk/` on a RegistryViewSet: a JSON list of at most REGISTRY_BULK_MAX_ROWS rows keyed by
# `bulk_key`; 200 `{"results": [...]}`, or 400/403 `{"errors": [...]}` and nothing written, or 413 for too
# many rows (DESIGN §4). (A comment, not a docstring: the OpenAPI schema would show it on every operation.)
class BulkSyncMixin:
    bulk_key: str | None = None
    # `?dry_run=true`: validate everything and answer what the batch would give, writing nothing.
    write_query_parameters = {"bulk": frozenset({"dry_run"})}
    # A resource keyed by more than one field (annual reports: organization and year) names its own.
    bulk_sync_class: type[BulkSync] = BulkSync

    def get_bulk_key(self) -> str:
        """`bulk_key` of the viewset, else `Meta.bulk_key` of its serializer."""
        key = self.bulk_key or getattr(getattr(self.get_serializer_class(), "Meta", None), "bulk_key", None)
        if not key:
            raise ImproperlyConfigured(f"{type(self).__name__} names no bulk_key")
        return key

    def get_bulk_queryset(self) -> models.QuerySet:
        """Where rows are looked up by key, locked with SELECT … FOR UPDATE until the batch is written: the
        viewset's base queryset (its select_related), without the list's annotations and prefetches."""
        if self.queryset is not None:
            return self.queryset.all()
        return self.get_queryset()

    def get_serializer(self, *args, **kwargs):
        if getattr(self, "swagger_fake_view", False) and getattr(self, "action", None) == "bulk":
            kwargs["many"] = True  # so the schema shows the request body as a list of rows
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        responses={200: BulkResultSerializer, 400: BulkBadRequestSerializer, 403: BulkErrorsSerializer, 413: None},
        description="Create or update up to REGISTRY_BULK_MAX_ROWS rows in one transaction (docs/api.md).",
        parameters=[
            OpenApiParameter(
                "dry_run",
                bool,
                description="true: validate every row and answer what the batch would give (`id` null for rows "
                "that would be created), writing nothing.",
            )
        ],
    )
    @action(detail=False, methods=["post"], url_path="bulk", parser_classes=[RegistryJSONParser])
    def bulk(self, request, *args, **kwargs):
        limit = settings.REGISTRY_BULK_MAX_ROWS
        too_many = _("At most %(limit)d rows per request.") % {"limit": limit}
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge(too_many)
        try:
            dry_run = bool(StrictBooleanField(required=False).clean(request.query_params.get("dry_run")))
        except forms.ValidationError as error:
            raise ValidationError({"dry_run": error.messages}) from None
        rows = request.data
        if not isinstance(rows, list):
            raise ValidationError({ROW_ERRORS_KEY: [_("Send a JSON list of rows.")]})
        if len(rows) > limit:
            raise PayloadTooLarge(f"{too_many} ({len(rows)})")
        outcome = self.bulk_sync_class(
            serializer=self.get_serializer(),
            queryset=self.get_bulk_queryset(),
            key=self.get_bulk_key(),
            actor=request.user,
            source=ChangeSource.BULK,
        ).run(rows, commit=not dry_run)
        if not outcome.ok:
            code = status.HTTP_403_FORBIDDEN if outcome.forbidden else status.HTTP_400_BAD_REQUEST
            return Response({"errors": outcome.errors}, status=code)
        return Response({"results": outcome.results})
