from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class PublicAddressThrottle(AnonRateThrottle):
    """Requests per client address (PUBLIC_API_THROTTLE_RATE), signed in or not: the public API is the
    same for everyone, so a token buys no more of it. Behind a proxy, set NUM_PROXIES in REST_FRAMEWORK
    so the address is read from X-Forwarded-For."""

    scope = "public"

    def get_rate(self):
        return settings.PUBLIC_API_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
