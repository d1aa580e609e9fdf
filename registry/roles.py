"""The roles of the product, as Django groups, and the checks views use on the server."""

from django.contrib.auth.models import Group

RETAILER = "retailer"
AGENT = "agent"
CURATOR = "curator"
ADMIN = "admin"
ROLES = [RETAILER, AGENT, CURATOR, ADMIN]


def ensure_roles() -> list[Group]:
    """Create the role groups if missing (idempotent)."""
    return [Group.objects.get_or_create(name=name)[0] for name in ROLES]


def has_role(user, *roles: str) -> bool:
    """True when `user` is active and in one of `roles`; superusers have every role."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(name in roles for name in _group_names(user))


def is_agent(user) -> bool:
    """Agents moderate and assess; curators and admins can do what agents do."""
    return has_role(user, AGENT, CURATOR, ADMIN)


def is_curator(user) -> bool:
    return has_role(user, CURATOR, ADMIN)


def _group_names(user) -> set[str]:
    # Cached on the user object: permission checks run several times per request.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names
