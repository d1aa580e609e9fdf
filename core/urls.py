"""Addresses the app writes into e-mails and exports."""


def site_url(request) -> str:
    """The site's own address (scheme and host, no trailing slash), as the visitor reached it."""
    return request.build_absolute_uri("/").rstrip("/")
