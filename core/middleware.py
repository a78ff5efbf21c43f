import re
import uuid

from core.choices import ChangeSource
from core.context import change_context

REQUEST_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
REQUEST_ID_HEADER = "X-Request-ID"


def request_id_from(request) -> str:
    """The client's X-Request-ID when it is well formed, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    return given if REQUEST_ID_PATTERN.match(given) else uuid.uuid4().hex


class RequestIDMiddleware:
    """Gives every request an id, returned as X-Request-ID and written into the change history."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        return response


class ChangeContextMiddleware:
    """Attributes changes made while serving a request to its user, door and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = ChangeSource.API if request.path.startswith("/api/") else ChangeSource.ADMIN
        with change_context(source=source, request_id=getattr(request, "request_id", ""), request=request):
            return self.get_response(request)
