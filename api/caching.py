"""HTTP caching of the initiative list and detail: ETag and Last-Modified, 304 answers, and
Cache-Control that keeps agents' answers (with private fields) out of shared caches."""

import hashlib
from collections.abc import Callable

from django.http import HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from core.roles import is_agent


def etag(*parts) -> str:
    """A strong ETag of `parts` (which must include everything the answer depends on)."""
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return quote_etag(digest)


def audience(request) -> str:
    # Agents see private fields: their responses must never be served to anyone else.
    return "agent" if is_agent(request.user) else "public"


def latest(*stamps):
    """The latest of the dates given that are known, or None."""
    return max((stamp for stamp in stamps if stamp), default=None)


def conditional_response(request, *, etag: str, last_modified):
    """The 304 answer when the client's copy is still fresh, else None."""
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    return response if isinstance(response, HttpResponseNotModified) else None


def set_cache_headers(response, *, request, etag: str, last_modified):
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # no-cache: caches may keep a copy but must revalidate it (cheap, thanks to the ETag).
    private = audience(request) == "agent" or request.user.is_authenticated
    response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))
    return response


def cached_response(request, *, etag: str, last_modified, build: Callable[[], HttpResponseBase]):
    """A 304 when the client's copy is still fresh, else the answer `build()` makes; both with
    the cache headers."""
    response = conditional_response(request, etag=etag, last_modified=last_modified) or build()
    return set_cache_headers(response, request=request, etag=etag, last_modified=last_modified)
