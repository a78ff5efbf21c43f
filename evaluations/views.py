"""The printable certificate of a rating (评估等级证书), with a QR code to its public verification page."""

from __future__ import annotations

import segno
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from core.access import principal_of
from core.auth import HashedTokenAuthentication
from ratings.choices import EvaluationStatus
from ratings.models import Evaluation

BIGGEST_KEY = 2**63 - 1


def verification_url(evaluation: Evaluation) -> str:
    """The public page (DESIGN §11) where anyone checks a certificate: what its QR code opens."""
    return f"{settings.PUBLIC_BASE_URL}/public/certificates/{evaluation.pk}/"


def qr_svg(url: str, *, scale: int = 4) -> str:
    """The QR code of `url` as inline SVG (error correction M: legible from a printed page)."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, border=2)


def _reader(request):
    """The user reading the page: an API token (district systems print through it too) or the admin session."""
    try:
        found = HashedTokenAuthentication().authenticate(Request(request))
    except AuthenticationFailed:
        return None
    return found[0] if found else request.user


def certificate_context(evaluation: Evaluation) -> dict:
    url = verification_url(evaluation)
    return {
        "evaluation": evaluation,
        "organization": evaluation.organization,
        "status": evaluation.status_on(timezone.localdate()),
        "valid": EvaluationStatus.VALID,
        "verification_url": url,
        "qr_svg": mark_safe(qr_svg(url)),  # noqa: S308 - segno's own markup of a URL we built
    }


def certificate(request, pk: int):
    """`GET /api/v1/evaluations/{id}/certificate/`: every role reads it (a rating is a public fact);
    without a valid token or session, 401."""
    user = _reader(request)
    if principal_of(user).role is None:
        return HttpResponse(_("Authentication credentials were not provided."), status=401, content_type="text/plain")
    if request.method not in {"GET", "HEAD"}:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
    if pk > BIGGEST_KEY:  # SQLite raises OverflowError beyond 64-bit integers (a 500)
        raise Http404
    evaluation = get_object_or_404(Evaluation.objects.select_related("organization__registered_by"), pk=pk)
    return TemplateResponse(
        request, "evaluations/certificate.html", {"certificates": [certificate_context(evaluation)]}
    )
