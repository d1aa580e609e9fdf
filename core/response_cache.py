"""Responses (or parts of pages) kept in the shared cache under the data version.

A key is made of the data version current *before* the database is read (core.dataversion),
the address asked (scheme, host, path, query string), the language and whatever else the caller
names (the format, the audience). Any write gives a new version, so an entry is never served
once the data it was computed from has changed: no expiry has to be guessed. Entries left
behind by older versions expire after RESPONSE_CACHE_SECONDS.

Only what every visitor of the same address may see is stored: callers decide (the API stores
anonymous answers only; the map data is public). Streaming responses and responses that set a
cookie are never stored.
"""

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.template.response import SimpleTemplateResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from . import dataversion

# Headers the views set that must come back with a cached body.
KEPT_HEADERS = (
    "Content-Type",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
    "Content-Disposition",
)
# Sent by bench/load.py to measure the uncached ("cold") path; honoured only when the bench's
# own setting is on (never in production).
BYPASS_META = "HTTP_X_BENCH_NO_CACHE"


def enabled(request) -> bool:
    if settings.RESPONSE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    return not (settings.BENCH_VIEWS and request.META.get(BYPASS_META))


def key(request, name: str, *parts, version: str | None = None) -> str:
    """The cache key of `name` for this request under the current data version (`version`
    when the caller has just read it)."""
    raw = "|".join(
        [
            version or dataversion.current(),
            name,
            request.scheme,
            request.get_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language() or "",
            *map(str, parts),
        ]
    )
    return "response:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def serve(request, cache_key: str) -> HttpResponse | None:
    """The stored response (or a 304 when the client's copy matches it), else None."""
    entry = cache.get(cache_key)
    if entry is None:
        return None
    status, content, headers = entry
    headers = dict(headers)
    etag = headers.get("ETag")
    if etag:
        modified = headers.get("Last-Modified")
        not_modified = get_conditional_response(
            request,
            etag=etag,
            last_modified=parse_http_date_safe(modified) if modified else None,
        )
        if isinstance(not_modified, HttpResponseNotModified):
            for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
                if name in headers:
                    not_modified[name] = headers[name]
            return not_modified
    response = HttpResponse(content, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def store(cache_key: str, response) -> None:
    """Keep a rendered response, unless it streams, sets a cookie or is not a 200."""
    if response.streaming or response.cookies or response.status_code != 200:
        return
    headers = [(name, response[name]) for name in KEPT_HEADERS if response.has_header(name)]
    cache.set(
        cache_key,
        (response.status_code, response.content, headers),
        settings.RESPONSE_CACHE_SECONDS,
    )


def remember(cache_key: str, response):
    """Store `response` once it is rendered (DRF and template responses render later)."""
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(lambda rendered: store(cache_key, rendered))
    else:
        store(cache_key, response)
    return response


def fragment_version(request) -> str:
    """What a template's `{% cache %}` tag varies on to keep a fragment under the data version
    (with LANGUAGE_CODE and the address): the version, or a fresh token when the cache is off
    for this request (never found, so always computed)."""
    return dataversion.current() if enabled(request) else secrets.token_hex(8)


def cached_text(request, name: str, build: Callable[[], str], *parts) -> str:
    """A piece of text (a rendered fragment of a page) kept like a response."""
    if not enabled(request):
        return build()
    cache_key = key(request, name, *parts)
    text = cache.get(cache_key)
    if text is None:
        text = build()
        cache.set(cache_key, text, settings.RESPONSE_CACHE_SECONDS)
    return text


def public_response(name: str):
    """View decorator: the view's answer is the same for every visitor of the address (public
    data only, no cookie set): keep it under the data version."""

    def decorate(view):
        def wrapped(request, *args, **kwargs):
            if not enabled(request):
                return view(request, *args, **kwargs)
            cache_key = key(request, name)
            hit = serve(request, cache_key)
            if hit is not None:
                return hit
            return remember(cache_key, view(request, *args, **kwargs))

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        wrapped.__module__ = view.__module__
        wrapped.__wrapped__ = view
        return wrapped

    return decorate
