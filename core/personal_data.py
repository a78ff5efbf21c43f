"""Personal data kept so that a database dump alone does not reveal it (DESIGN §9): an encrypted column
(django-fernet-encrypted-fields) with keys of its own, `settings.PERSONAL_DATA_KEYS`, and a keyed HMAC
of the normalised value beside it (a "blind index") so that a clerk can find a record by the whole value
without the database ever holding it in plain text. docs/decisions/0241-personal-data-keys.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.utils.functional import cached_property
from encrypted_fields.fields import EncryptedCharField

_DERIVED: dict[tuple[str, str, str], bytes] = {}


def _derive(secret: str, salt: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose (encryption, index) from a configured secret; cached per process
    (PBKDF2 with 100,000 rounds, as the library derives its own)."""
    cache_key = (secret, salt, purpose)
    if cache_key not in _DERIVED:
        kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=f"{salt}:{purpose}".encode(), iterations=100_000)
        _DERIVED[cache_key] = kdf.derive(secret.encode("utf-8"))
    return _DERIVED[cache_key]


def _salt() -> str:
    salt = settings.SALT_KEY
    return salt[0] if isinstance(salt, list) else salt


class PersonalDataField(EncryptedCharField):
    """An encrypted text column whose keys are `settings.PERSONAL_DATA_KEYS` (not SECRET_KEY, so rotating
    the session secret never makes ID numbers unreadable): the first key encrypts, every key decrypts."""

    @cached_property
    def keys(self) -> list[bytes]:
        return [base64.urlsafe_b64encode(_derive(secret, _salt(), "fernet")) for secret in settings.PERSONAL_DATA_KEYS]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "core.personal_data.PersonalDataField", args, kwargs


def blind_index(value: str) -> str:
    """HMAC-SHA256 of the normalised value under the current (first) key: equal values, equal indexes;
    without the key, an index says nothing about the value."""
    if not value:
        return ""
    key = _derive(settings.PERSONAL_DATA_KEYS[0], _salt(), "blind-index")
    return hmac.new(key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id_number(value: str) -> str:
    """330212********1234: the six digits of the issuing division and the last four kept."""
    if not value:
        return value
    text = str(value)
    if len(text) <= 10:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"
