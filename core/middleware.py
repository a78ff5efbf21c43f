import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from core.choices import ChangeSource
from core.context import change_context

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
REQUEST_ID_HEADER = "X-Request-ID"


def request_id_from(request) -> str:
    """The client's X-Request-ID when it is well formed (1–128 of letters, digits and . _ : -), else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_PATTERN.match(given) else uuid.uuid4().hex


class NoStoreMiddleware:
    """Responses of the admin and the API carry personal data (phones, contacts, history, exports):
    `Cache-Control: no-store` (and private, no-cache), so no browser cache or proxy keeps a copy
    (docs/decisions/0132-content-security-policy.md). Conditional requests by ETag still work."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.paths = tuple(settings.REGISTRY_NO_STORE_PATHS)

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.paths):
            add_never_cache_headers(response)
        return response


class RequestIDMiddleware:
    """Gives every request an id, returned as X-Request-ID and written into the change history."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class ApiBodySizeMiddleware:
    """An API request whose body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 with a JSON body.

    DRF reads JSON straight from the request stream, so Django's own cap never fires for it; this
    refuses the request before anything reads the body (and before authentication: no work is done
    for a body we will not read).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return JsonResponse(
                    {
                        "detail": _(
                            "The request body is %(size)d bytes; the limit is %(limit)d bytes. Send a bulk "
                            "batch of at most %(rows)d rows."
                        )
                        % {"size": length, "limit": limit, "rows": settings.REGISTRY_BULK_MAX_ROWS}
                    },
                    status=413,
                )
        return self.get_response(request)


class ChangeContextMiddleware:
    """Attributes changes made while serving a request to its user, door and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = ChangeSource.API if request.path.startswith("/api/") else ChangeSource.ADMIN
        with change_context(source=source, request_id=getattr(request, "request_id", ""), request=request):
            return self.get_response(request)
