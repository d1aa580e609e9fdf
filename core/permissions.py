"""One permission vocabulary for views, API endpoints and templates.

Roles are checked by `core.roles` (`is_agent`, `is_curator`, `is_retailer`); this module turns
them into the guards that views and the API use, so each rule is spelled once.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .roles import RETAILER, has_role, is_agent


def is_owner(user, initiative) -> bool:
    """True when `user` is one of the people who run `initiative`."""
    return user.is_authenticated and initiative.owners.filter(pk=user.pk).exists()


def can_manage(user, initiative) -> bool:
    """Owners and agents may edit an initiative and see its assessment and measures."""
    return is_agent(user) or is_owner(user, initiative)


def agent_required(view):
    """Anonymous visitors go to the log-in page; logged-in non-agents get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def retailer_required(view):
    """Logged-in retailers (and agents, who help them) only; others get 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (has_role(request.user, RETAILER) or is_agent(request.user)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class IsAgent(permissions.BasePermission):
    """API access for agents, curators and admins."""

    message = _("Only agents of the Région may do this.")

    def has_permission(self, request, view):
        return is_agent(request.user)
