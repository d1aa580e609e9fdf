"""Who the client is, for every per-address limit: the API throttles, the log-in lock-out
(django-axes) and the sign-up limit must all count the same address.

Each reverse proxy appends the address it received the request from to X-Forwarded-For, so
with N proxies of our own in front of the app, the N-th entry from the right was written by
the outermost of them: that is the client. Everything further left came from the client and
may be forged. With no proxy declared (`NUM_PROXIES = 0`, the default) the header is ignored.
This is Django REST framework's rule (`BaseThrottle.get_ident` with its `NUM_PROXIES`, which the
settings feed from the same variable), so the API throttles and this function agree.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one our declared proxies received."""
    remote_addr = request.META.get("REMOTE_ADDR") or ""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    num_proxies = settings.NUM_PROXIES
    if not num_proxies or not forwarded:
        return remote_addr
    addresses = forwarded.split(",")
    address = addresses[-min(num_proxies, len(addresses))].strip()
    # A proxy that appends something else than a bare address (a port, a name) is misconfigured;
    # the proxy's own address at least cannot be chosen by the client, and the log-in lock-out
    # stores addresses in an IP address column.
    return address if _is_ip_address(address) else remote_addr


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class AxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each set of lock-out parameters.

    Axes compares the largest failure count over `AXES_LOCKOUT_PARAMETERS` with a single limit.
    We want few failures for one username from one address (`AXES_FAILURE_LIMIT`), but more
    for one address across usernames (`AXES_IP_FAILURE_LIMIT`), as an office or a mobile network
    puts many people behind one address; that second count catches one password tried on many
    usernames.
    """

    def get_failures(self, request, credentials=None) -> int:
        """The failures of the set closest to its own limit, on the scale of the main limit.

        With limits of 5 (pair) and 50 (address), 3 failures for the pair and 49 for the address
        give max(3, 5 - (50 - 49)) = 4: one more failure locks, whichever set it comes from.
        """
        limit = get_failure_limit(request, credentials)
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        parameters = get_lockout_parameters(request, credentials)
        headroom = min(
            (settings.AXES_IP_FAILURE_LIMIT if parameter == "ip_address" else limit) - count
            for parameter, count in zip(parameters, counts, strict=True)
        )
        return max(0, limit - headroom)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful log-in, forget the failures of that username from that address only.

        Axes would also forget the address's failures on every other username, so anyone with an
        account (sign-up is open) could clear the address-wide count by logging in.
        """
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
