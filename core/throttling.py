from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.access import principal_of


class RoleRateThrottle(SimpleRateThrottle):
    """Per-token (or per signed-in user) rate, configured per role in REGISTRY_THROTTLE_RATES."""

    scope = "role"

    def get_rate(self):
        return None  # decided per request in allow_request

    def allow_request(self, request, view):
        principal = principal_of(request.user)
        if principal.role is None:
            return True
        self.rate = settings.REGISTRY_THROTTLE_RATES.get(principal.role)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        token = request.auth
        ident = f"token:{token.pk}" if getattr(token, "pk", None) else f"user:{request.user.pk}"
        return f"throttle:{ident}"
