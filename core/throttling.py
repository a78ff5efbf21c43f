from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.access import principal_of


class RoleRateThrottle(SimpleRateThrottle):
    """Per-token rate: the token's own `rate_limit`, else its role's default in REGISTRY_THROTTLE_RATES.

    A session user (a clerk in the browsable API) is counted per user. Counters live in the default
    cache: set REDIS_URL so that several server processes share them.
    """

    scope = "role"

    def get_rate(self):
        return None  # decided per request in allow_request

    def rate_for(self, request) -> str | None:
        principal = principal_of(request.user)
        if principal.role is None:
            return None
        own = getattr(request.auth, "rate_limit", "")
        return own or settings.REGISTRY_THROTTLE_RATES.get(principal.role)

    def allow_request(self, request, view):
        self.rate = self.rate_for(request)
        if not self.rate:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        token = request.auth
        # The digest, not the row id: ids come back after a rollback (tests, SQLite); digests do not.
        ident = f"token:{token.key_hash[:32]}" if getattr(token, "key_hash", None) else f"user:{request.user.pk}"
        return f"throttle:{ident}"
