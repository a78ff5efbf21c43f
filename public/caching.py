"""Caching of public responses (docs/decisions/0321-public-caching.md): the same facts for everyone, so
any cache may keep them for PUBLIC_CACHE_MAX_AGE seconds, and a client that has them gets a 304."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header names the ETag (`*`, a list, weak validators compared weakly)."""
    if if_none_match.strip() == "*":
        return True
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return etag in tags


def cached_publicly(request, response: HttpResponse) -> HttpResponse:
    """Mark a successful rendered response cacheable by anyone, with its ETag; a 304 when the client
    already holds it."""
    if response.status_code != 200 or response.streaming:
        return response
    etag = etag_of(response.content)
    if matches(request.headers.get("If-None-Match", ""), etag):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        patch_cache_control(not_modified, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
        return not_modified
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    patch_vary_headers(response, ["Accept-Encoding"])
    return response
