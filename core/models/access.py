"""Access: the API client accounts and their district or township, and the API tokens, stored as digests."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.models.history import HistoryModel
from core.roles import group_names_of


def current_district_codes() -> set[str]:
    """Codes of the districts in force (historical codes such as 330204 excluded). The divisions are
    registry's, a higher app: it names its function in the REGISTRY_CURRENT_DISTRICT_CODES setting."""
    return set(import_string(settings.REGISTRY_CURRENT_DISTRICT_CODES)())


def current_township_codes() -> set[str]:
    """Codes of the townships, streets and zones in force (settings.REGISTRY_CURRENT_TOWNSHIP_CODES)."""
    return set(import_string(settings.REGISTRY_CURRENT_TOWNSHIP_CODES)())


def validate_current_township(code: str) -> None:
    if code and code not in current_township_codes():
        raise ValidationError(
            _("%(code)s is not the code of a current township, street or zone of Ningbo."), params={"code": code}
        )


def validate_current_district(code: str) -> None:
    if code and code not in current_district_codes():
        raise ValidationError(
            _("%(code)s is not the code of a current district or county of Ningbo."), params={"code": code}
        )


class AccessProfile(HistoryModel):
    """An API client account (or an admin user's binding) and, for district systems, the district it is
    bound to; for township filing desks, the township (roles are groups)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_profile", verbose_name=_("user")
    )
    district_code = models.CharField(
        _("district code"), max_length=6, blank=True, validators=[validate_current_district]
    )
    township_code = models.CharField(
        _("township code"),
        max_length=9,
        blank=True,
        validators=[validate_current_township],
        help_text=_("For a township filing desk: the 9-digit code of its township or street."),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.user} {self.district_code or self.township_code}".strip()

    def clean(self):
        if not self.user_id:
            return
        is_district = self.user.groups.filter(name__in=group_names_of(Role.DISTRICT)).exists()
        if is_district and not self.district_code:
            raise ValidationError({"district_code": _("A district system must be bound to a district code.")})
        if not is_district and self.district_code:
            raise ValidationError({"district_code": _("Only district systems are bound to a district.")})
        is_township = self.user.groups.filter(name__in=group_names_of(Role.TOWNSHIP)).exists()
        if is_township and not self.township_code:
            raise ValidationError({"township_code": _("A township filing desk must be bound to a township code.")})
        if not is_township and self.township_code:
            raise ValidationError({"township_code": _("Only township filing desks are bound to a township.")})


def hash_token_key(key: str) -> str:
    """SHA-256 of the key: enough for a 256-bit random key (docs/decisions/0002-token-hashing.md)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


RATE_PATTERN = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def validate_rate(value: str) -> None:
    if value and not RATE_PATTERN.match(value):
        raise ValidationError(_("Write the rate as a number of requests per period, e.g. 20000/hour or 50/minute."))


class ApiToken(HistoryModel):
    """An API key, stored only as its SHA-256 digest; the key itself is shown once, when issued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("API client")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    read_only = models.BooleanField(_("read only"), default=False)
    rate_limit = models.CharField(
        _("rate limit"),
        max_length=20,
        blank=True,
        validators=[validate_rate],
        help_text=_("Requests per period for this token, e.g. 20000/hour; empty: the default of its role."),
    )
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    history_exclude_fields = ("created", "last_updated", "last_used", "key_hash")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def issue(
        cls,
        *,
        user,
        name: str = "",
        read_only: bool = False,
        lifetime_days: int | None = None,
        rate_limit: str = "",
    ) -> tuple[ApiToken, str]:
        """Create a token; returns (token, key). The key is shown once and never stored."""
        days = lifetime_days if lifetime_days is not None else settings.REGISTRY_TOKEN_LIFETIME_DAYS
        token = cls(
            user=user,
            name=name,
            expires_at=timezone.now() + datetime.timedelta(days=days),
            read_only=read_only,
            rate_limit=rate_limit,
        )
        key = token.assign_new_key()
        token.full_clean()
        token.save()
        return token, key

    def assign_new_key(self) -> str:
        """Give an unsaved token a fresh key: 256 random bits, URL-safe; only its digest is kept."""
        key = secrets.token_urlsafe(32)
        self.prefix = key[:8]
        self.key_hash = hash_token_key(key)
        return key

    def touch(self, now: datetime.datetime) -> None:
        """Note the time of use. Not a change of the record: plain manager, no history, no jurisdiction."""
        type(self)._base_manager.filter(pk=self.pk).update(last_used=now)
        self.last_used = now
