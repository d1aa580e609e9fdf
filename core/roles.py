"""The roles of the product, as Django groups, and the checks views use on the server."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

RETAILER = "retailer"
AGENT = "agent"
CURATOR = "curator"
ADMIN = "admin"
ROLES = [RETAILER, AGENT, CURATOR, ADMIN]

REFERENCE_MODELS = [
    "departement",
    "commune",
    "initiativetype",
    "productcategory",
    "label",
    "need",
    "pacteorientation",
    "pacteaction",
]


def _perms(app_label: str, models: list[str], actions: list[str]) -> set[tuple[str, str]]:
    return {(app_label, f"{action}_{model}") for model in models for action in actions}


# Model permissions of each role, by (app_label, codename). Permissions of models that do not
# exist yet (an app still being built) are skipped, and assigned on the next `ensure_roles()`.
AGENT_PERMISSIONS = (
    _perms("registry", ["initiative"], ["view", "change"])
    | _perms("registry", ["statuschange", *REFERENCE_MODELS], ["view"])
    | _perms("registry", ["claim"], ["view", "change"])
    | _perms("assessment", ["assessment"], ["view", "add", "change"])
    | _perms("assessment", ["framework", "criterion"], ["view"])
    | _perms("recommendations", ["followup"], ["view", "add", "change"])
    | _perms("recommendations", ["measure"], ["view"])
    # Background tasks (exports, coverage): start and follow them in the admin.
    | _perms("core", ["taskrun"], ["view"])
)
CURATOR_PERMISSIONS = (
    AGENT_PERMISSIONS
    | _perms("registry", REFERENCE_MODELS, ["view", "add", "change", "delete"])
    | _perms("assessment", ["framework", "criterion"], ["view", "add", "change", "delete"])
    | _perms("recommendations", ["measure"], ["view", "add", "change", "delete"])
    # "change" is the right to retry a failed task (a publication, an import).
    | _perms("core", ["taskrun"], ["view", "change"])
)
ROLE_PERMISSIONS: dict[str, set[tuple[str, str]] | None] = {
    RETAILER: set(),
    AGENT: AGENT_PERMISSIONS,
    CURATOR: CURATOR_PERMISSIONS,
    ADMIN: None,  # every permission
}


def ensure_roles(*, group_model=Group, permission_model=Permission) -> list:
    """Create the role groups if missing and give each its permissions (idempotent).

    Data migrations pass their historical models; everyone else calls it without arguments.
    """
    all_permissions = list(permission_model.objects.select_related("content_type").order_by("pk"))
    groups = []
    for name in ROLES:
        group = group_model.objects.get_or_create(name=name)[0]
        wanted = ROLE_PERMISSIONS[name]
        group.permissions.set(
            [
                p
                for p in all_permissions
                if wanted is None or (p.content_type.app_label, p.codename) in wanted
            ]
        )
        groups.append(group)
    return groups


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


def is_retailer(user) -> bool:
    return has_role(user, RETAILER)


def _group_names(user) -> set[str]:
    # Cached on the user object: permission checks run several times per request.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def ensure_roles_after_migrate(sender, using="default", **kwargs):
    """post_migrate receiver: permissions of apps migrated later reach their roles.

    post_migrate is sent once per app that has models; acting on the last one sees every
    permission.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender.label == with_models[-1].label and using == "default":
        ensure_roles()
