from django.conf import settings
from rest_framework.throttling import AnonRateThrottle

from core.login import client_address


class PublicAddressThrottle(AnonRateThrottle):
    """Requests per client address (PUBLIC_API_THROTTLE_RATE), signed in or not: the public API is the
    same for everyone, so a token buys no more of it. The address is the one the login locks use
    (core.login.client_address: behind TRUSTED_PROXIES proxies, the X-Forwarded-For entry they
    appended), so the public behind nginx is not counted as one client."""

    scope = "public"

    def get_rate(self):
        return settings.PUBLIC_API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_address(request) or "unknown"}
