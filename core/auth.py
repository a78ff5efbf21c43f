"""API authentication by hashed token (docs/decisions/0002-token-hashing.md)."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from core.models import ApiToken
from core.models.access import hash_token_key
from core.roles import roles_of_bits, roles_read_with


class HashedTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`, checked against the stored SHA-256 digest.

    An unknown, expired or revoked key gets the same 401, so a caller learns nothing about which.
    `last_used` is written at most once per REGISTRY_TOKEN_LAST_USED_RESOLUTION_SECONDS.
    """

    keyword = "Token"
    invalid = _("Invalid or expired token.")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header: expected 'Token <key>'."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(self.invalid) from None
        # One query: the token, its user, the user's access profile and roles (core.access.principal_of).
        token = (
            ApiToken.objects.select_related("user", "user__access_profile")
            .annotate(_registry_role_bits=roles_read_with(ApiToken))
            .filter(key_hash=hash_token_key(key))
            .first()
        )
        now = timezone.now()
        if token is None or token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
            raise exceptions.AuthenticationFailed(self.invalid)
        resolution = datetime.timedelta(seconds=settings.REGISTRY_TOKEN_LAST_USED_RESOLUTION_SECONDS)
        if token.last_used is None or token.last_used < now - resolution:
            token.touch(now)
        user = token.user
        user._registry_token_read_only = token.read_only
        user._registry_roles = roles_of_bits(token._registry_role_bits)
        return user, token

    def authenticate_header(self, request):
        return self.keyword
