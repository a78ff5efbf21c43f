"""`Idempotency-Key` on every POST of the API (DESIGN §10).

A client that may not know whether its POST arrived (a timeout, a dropped connection) sends it again
with the same `Idempotency-Key`. The first request with a key claims it by inserting a row (unique per
client and key) in the same transaction as everything the request writes, and keeps its response
there; a repeat with the same key and the same method, path and body within REGISTRY_IDEMPOTENCY_HOURS
hours gets that response again (status, body, the headers that describe it, and `Idempotent-Replayed:
true`) and writes nothing; the same key with another request is a 422. A repeat sent while the first
is still running waits for it (PostgreSQL: the second insert blocks on the first's row until it
commits), then is answered the same way. A response of 500 or more is not kept: the transaction rolls
back, key included, so the client may try again. Keys are removed after REGISTRY_IDEMPOTENCY_HOURS
(`manage.py prune_idempotency_keys`, a periodic job).
"""

from __future__ import annotations

import datetime
import hashlib
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII without spaces, as HTTP header values and the IETF draft's keys are.
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
# The headers of a response that describe it (not the request): kept and answered again.
KEPT_HEADERS = ("Content-Type", "Content-Language", "ETag", "Location", "Content-Disposition", "X-Export-Id")


class IdempotencyKeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used with another request; use a new key for a new request.")
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    def __init__(self, stored: IdempotencyKey):
        self.stored = stored


def fingerprint_of(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    try:
        digest.update(request._request.body)
    except (RawPostDataException, RequestDataTooBig):
        digest.update(repr(request.data).encode())
    return digest.hexdigest()


def replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status_code)
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def keys_prune(*, now: datetime.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.REGISTRY_IDEMPOTENCY_HOURS)
    return IdempotencyKey.objects.filter(created__lt=cutoff).delete()[0]


class IdempotentPosts:
    """Viewset mixin (first among the bases of core.api.views' viewsets): `Idempotency-Key` on POST."""

    _idempotency_claim: IdempotencyKey | None = None

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and HEADER in request.headers:
            with transaction.atomic():  # the key, the writes and the kept response commit together
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authenticated, allowed, not throttled, no stray parameter
        key = request.headers.get(HEADER) if request.method == "POST" else None
        if key is None:
            return
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError(
                {HEADER: [_("1 to 255 printable ASCII characters without spaces (a UUID, say).")]}
            )
        fingerprint = fingerprint_of(request)
        cutoff = timezone.now() - datetime.timedelta(hours=settings.REGISTRY_IDEMPOTENCY_HOURS)
        IdempotencyKey.objects.filter(user=request.user, key=key, created__lt=cutoff).delete()
        try:
            with transaction.atomic():
                self._idempotency_claim = IdempotencyKey.objects.create(
                    user=request.user, key=key, fingerprint=fingerprint
                )
        except IntegrityError:
            stored = IdempotencyKey.objects.get(user=request.user, key=key)
            if stored.fingerprint != fingerprint or stored.status_code is None:
                raise IdempotencyKeyReused() from None
            raise _Replay(stored) from None

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return replay(exc.stored)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is None:
            return response
        if response.status_code >= 500 or getattr(response, "streaming", False):
            transaction.set_rollback(True)  # nothing kept, the key included: the client may try again
            return response
        if hasattr(response, "render"):
            response.render()
        claim.status_code = response.status_code
        claim.body = response.content
        claim.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
        claim.save(update_fields=["status_code", "body", "headers"])
        return response
