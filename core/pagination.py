from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# Keyset ("cursor") mode: `?after=<id>` gives the rows with a greater id, in id order, with a `next` link.
AFTER_PARAMETER = "after"


class RegistryPagination(PageNumberPagination):
    """`page` and `page_size` (default 50, at most 1,000); `count` is always exact.

    A page size out of range is a 400 that names `page_size`, never silently clamped.
    """

    page_size = 50
    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.REGISTRY_MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # Plain ASCII digits only: int() also reads "１０", " 10" and "+10".
        size = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else 0
        if not 1 <= size <= self.max_page_size:
            message = _("Enter a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return size

    # Cursor mode (docs/decisions/0071-cursor-mode.md): a page costs the same at any depth, where
    # `page=N` makes the database walk past every earlier row (and compute its annotations).

    def paginate_queryset(self, queryset, request, view=None):
        self.after = self._after(request)
        if self.after is None:
            self._check_page_number(request)
            try:
                return super().paginate_queryset(queryset, request, view)
            except NotFound:
                raise ValidationError(
                    {self.page_query_param: [_("That page does not exist: the list has fewer pages.")]}
                ) from None
        if request.query_params.get("ordering") or request.query_params.get(self.page_query_param):
            raise ValidationError(
                {AFTER_PARAMETER: [_("Cursor mode reads in id order: send neither ordering nor page with it.")]}
            )
        self.request = request
        self.page_size_value = self.get_page_size(request)
        self.count = queryset.order_by().count()
        rows = list(queryset.filter(pk__gt=self.after).order_by("pk")[: self.page_size_value + 1])
        self.has_more = len(rows) > self.page_size_value
        rows = rows[: self.page_size_value]
        self.last_pk = rows[-1].pk if rows else None
        return rows

    def _check_page_number(self, request) -> None:
        """`page` is a whole number from 1 (DRF answers 404 for 0, -1 or "abc", as for a missing record)."""
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw in self.last_page_strings:
            return
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) >= 1):
            raise ValidationError({self.page_query_param: [_("Enter a page number: a whole number from 1.")]})

    def get_paginated_response(self, data):
        if getattr(self, "after", None) is None:
            return super().get_paginated_response(data)
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        next_url = replace_query_param(url, AFTER_PARAMETER, self.last_pk) if self.has_more else None
        return Response({"count": self.count, "next": next_url, "previous": None, "results": data})

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": AFTER_PARAMETER,
                "required": False,
                "in": "query",
                "description": str(
                    _("Cursor mode: the rows whose id is greater than this one, in id order; follow `next`.")
                ),
                "schema": {"type": "integer", "minimum": 0},
            }
        )
        return parameters

    def _after(self, request):
        raw = request.query_params.get(AFTER_PARAMETER)
        if raw is None:
            return None
        try:
            value = int(raw)
        except ValueError:
            value = -1
        if not 0 <= value <= 2**63 - 1:
            raise ValidationError({AFTER_PARAMETER: [_("Enter the id of the last row you read (a whole number).")]})
        return value
