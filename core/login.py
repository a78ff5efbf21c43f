"""Failed logins to the admin are slowed, then locked (docs/decisions/0131-login-lockout.md).

django-axes counts failures per user name and per client address and locks at AXES_FAILURE_LIMIT;
this module gives it the client's address behind nginx and slows each failure before that.
"""

from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind REGISTRY_TRUSTED_PROXIES proxies the entry of
    X-Forwarded-For they appended (entries further left are the client's to write, so never trusted)."""
    proxies = settings.REGISTRY_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def slowdown_seconds(failures: int) -> float:
    """How long the answer to the `failures`-th failed login in a row waits (none for the first)."""
    return min(
        settings.REGISTRY_LOGIN_SLOWDOWN_SECONDS * max(failures - 1, 0), settings.REGISTRY_LOGIN_SLOWDOWN_MAX_SECONDS
    )


@receiver(user_login_failed, dispatch_uid="core.login.slow_down_failed_login")
def slow_down_failed_login(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # A guesser's rate falls with every failure; a clerk who mistyped once notices nothing.
    if request is None or not getattr(settings, "AXES_ENABLED", True):
        return
    delay = slowdown_seconds(AxesProxyHandler.get_failures(request, credentials))
    if delay > 0:
        time.sleep(delay)


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """The page a locked user name or address gets instead of the login (429), in the admin's look."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "lock_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "site_header": admin.site.site_header,
        "site_title": admin.site.site_title,
    }
    return render(request, "admin/locked_out.html", context, status=429)
