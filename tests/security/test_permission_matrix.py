"""Who may open what: every URL pattern of the project (admin and API included) × every role.

The expected outcome of each pattern for each role is declared in permission_expectations.py:
EXPECTED for the site and the API, ADMIN_PAGES and ADMIN_MODELS for the admin. A pattern no table covers fails
`test_every_url_pattern_has_an_expectation`, so a new route cannot be forgotten.

Only GET is probed. Views with side effects on GET (e-mail and claim confirmation links) are
given invalid tokens; POST-only views answer 405 (or refuse the visitor before that).
Path parameters are filled from the objects of `world` (one module-scoped data set).
"""

import datetime
import re
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from tests.security.permission_expectations import (
    ADMIN,
    ADMIN_LOGIN,
    AGENT,
    ALL_RULES,
    ANON,
    CURATOR,
    DEFAULT_PARAMS,
    FOUND,
    LOGIN,
    OTHER,
    OWNER,
    ROLES,
    SHADOWED,
)

# --- walking the URL configuration ----------------------------------------------------------


@dataclass
class Route:
    route: str  # the patterns' texts joined, as ResolverMatch.route gives it
    name: str | None
    segments: list  # the pattern objects from the root to this one


def walk(patterns=None, segments=()) -> list[Route]:
    routes = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        chain = [*segments, pattern.pattern]
        if isinstance(pattern, URLResolver):
            routes += walk(pattern.url_patterns, chain)
        elif isinstance(pattern, URLPattern):
            routes.append(Route("".join(str(p) for p in chain), pattern.name, chain))
    return routes


ROUTES = walk()


def _substitute_groups(regex: str, values: dict) -> str:
    """A regex pattern's text with each named group replaced by its value."""
    out, index = [], 0
    while (start := regex.find("(?P<", index)) != -1:
        out.append(regex[index:start])
        name = regex[start + 4 : regex.index(">", start)]
        depth, end = 0, start
        while True:  # the group's closing parenthesis
            char = regex[end]
            if char == "\\":
                end += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            end += 1
            if depth == 0:
                break
        out.append(str(values[name]))
        index = end
    out.append(regex[index:])
    text = "".join(out)
    return text.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")


def build_url(route: Route, values: dict) -> str:
    parts = []
    for pattern in route.segments:
        if isinstance(pattern, RoutePattern):
            text = str(pattern)
            for name, converter in pattern.converters.items():
                text = re.sub(rf"<[^<>:]*:?{name}>", str(converter.to_url(values[name])), text)
            parts.append(text)
        else:
            parts.append(_substitute_groups(pattern.regex.pattern, values))
    return "/" + "".join(parts)


def params_of(route: Route) -> list[str]:
    names = []
    for pattern in route.segments:
        if isinstance(pattern, RoutePattern):
            names += list(pattern.converters)
        else:
            names += list(pattern.regex.groupindex)
    return names


def url_for(route: Route, world) -> str:
    params = {**DEFAULT_PARAMS, **ALL_RULES[route.route].params}
    values = {}
    for name in params_of(route):
        value = params[name]
        values[name] = value(world) if callable(value) else value
    return build_url(route, values)


# --- data -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One data set for the whole module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from rest_framework.authtoken.models import Token, TokenProxy

    from assessment.services import assess_initiative
    from core.models import TaskRun
    from core.roles import ADMIN as ADMIN_ROLE
    from core.roles import AGENT as AGENT_ROLE
    from core.roles import CURATOR as CURATOR_ROLE
    from core.roles import RETAILER
    from imports.models import ImportBatch
    from planning.services import add_plan_measure, create_plan
    from recommendations.services import propose_measure
    from registry.models import Initiative, PacteOrientation, Status, StatusChange
    from tests.assessment.conftest import FULL_ANSWERS, small_framework
    from tests.factories import (
        ClaimFactory,
        CriterionFactory,
        InitiativeFactory,
        LabelFactory,
        MeasureFactory,
        NeedFactory,
        PacteActionFactory,
        ProductCategoryFactory,
        user_with_role,
    )

    users = {
        OWNER: user_with_role(RETAILER, username="owner@example.org"),
        OTHER: user_with_role(RETAILER, username="other@example.org"),
        AGENT: user_with_role(AGENT_ROLE, username="agent@example.org", is_staff=True),
        CURATOR: user_with_role(CURATOR_ROLE, username="curator@example.org", is_staff=True),
        ADMIN: user_with_role(
            ADMIN_ROLE, username="admin@example.org", is_staff=True, is_superuser=True
        ),
    }
    framework = small_framework(version=1)
    draft_framework = small_framework(version=2, status="draft")
    need = NeedFactory()
    own = InitiativeFactory(name="Chez le propriétaire", status=Status.DRAFT, owners=[users[OWNER]])
    own.needs.set([need])
    InitiativeFactory(name="Chez l'autre", owners=[users[OTHER]])
    public = InitiativeFactory(name="Marché public", email="contact@marche.example.org")
    assessment = assess_initiative(initiative=own, answers=FULL_ANSWERS, assessed_by=users[AGENT])
    measure = MeasureFactory(code="TSTM1", needs=[need])
    followup = propose_measure(initiative=own, measure=measure, by=users[AGENT])
    claim = ClaimFactory(initiative=public, claimant=users[OTHER])
    import_batch = ImportBatch.objects.create(
        file_name="initiatives.csv", content=b"nom\n", sha256="0" * 64, source="backoffice"
    )
    status_change = StatusChange.objects.create(
        initiative=public, from_status=Status.SUBMITTED, to_status=Status.VALIDATED
    )
    attempt = {
        "user_agent": "test",
        "ip_address": "192.0.2.1",
        "username": "someone@example.org",
        "http_accept": "*/*",
        "path_info": "/comptes/login/",
    }
    pacte_action = PacteActionFactory()
    plan = create_plan(
        by=users[AGENT],
        title="Plan",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    plan_item = add_plan_measure(plan=plan, measure=measure, by=users[AGENT], expected_effect={})
    admin_objects = {
        "auth.group": Group.objects.get(name=AGENT_ROLE),
        "auth.user": users[OWNER],
        # The admin knows tokens by their user's id (TokenProxy.pk).
        "authtoken.tokenproxy": TokenProxy.objects.get(
            key=Token.objects.create(user=users[ADMIN]).key
        ),
        "axes.accessattempt": AccessAttempt.objects.create(
            **attempt, get_data="", post_data="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(**attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(**attempt),
        "registry.departement": own.departement,
        "registry.commune": own.commune,
        "registry.productcategory": ProductCategoryFactory(),
        "registry.pacteorientation": PacteOrientation.objects.get_or_create(
            code="O1", defaults={"name": "Orientation 1"}
        )[0],
        "registry.initiativetype": own.type,
        "registry.label": LabelFactory(),
        "registry.need": need,
        "registry.pacteaction": pacte_action,
        "registry.initiative": own,
        "registry.statuschange": status_change,
        "assessment.framework": draft_framework,
        "assessment.criterion": CriterionFactory(framework=draft_framework, code="K99"),
        "assessment.assessment": assessment,
        "recommendations.measure": measure,
        "recommendations.followup": followup,
        "recommendations.followupevent": followup.events.get(),
        "planning.plan": plan,
        "core.taskrun": TaskRun.objects.create(label="Export", task_path="api.tasks.x"),
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="api.tasks.x",
            backend_name="default",
            run_after=timezone.now(),
        ),
    }
    assert Initiative.objects.count() == 3
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(
        users=users,
        sessions=sessions,
        own=own,
        public=public,
        framework=framework,
        draft_framework=draft_framework,
        measure=measure,
        followup=followup,
        claim=claim,
        import_batch=import_batch,
        plan=plan,
        plan_item=plan_item,
        admin_objects=admin_objects,
    )


# --- the tests ------------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation():
    unexpected = [
        f"{r.route}  (name: {r.name})"
        for r in ROUTES
        if r.route not in ALL_RULES and (r.route, r.name) not in SHADOWED
    ]
    assert not unexpected, (
        "URL patterns without an expected outcome per role (add them to the tables of "
        "tests/security/test_permission_matrix.py):\n" + "\n".join(unexpected)
    )


def test_every_expectation_names_an_existing_pattern():
    known = {r.route for r in ROUTES}
    stale = sorted(set(ALL_RULES) - known) + sorted(
        f"{route} (KNOWN_ISSUES)" for route, _role in KNOWN_ISSUES if route not in known
    )
    assert not stale, "Expectations for patterns that no longer exist:\n" + "\n".join(stale)


# Cells known to differ from the table, each to be fixed where it lives. Strict: once fixed,
# the cell passes, the xfail fails, and its line here goes.
KNOWN_ISSUES: dict[tuple[str, str], str] = {}

PROBES = [
    pytest.param(
        route,
        role,
        id=f"{role}:{route.route or '/'}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_ISSUES[route.route, role])]
        if (route.route, role) in KNOWN_ISSUES
        else [],
    )
    for route in ROUTES
    if route.route in ALL_RULES and (route.route, route.name) not in SHADOWED
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "role"), PROBES)
def test_permission_matrix(client, world, route, role):
    url = url_for(route, world)
    # ResolverMatch.route drops the ^ of included regexes.
    assert resolve(url).route == route.route.replace("/^", "/"), f"{url}: another pattern"
    if role != ANON:  # a session opened once for the module
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]

    response = client.get(url)

    expected = ALL_RULES[route.route].outcomes[role]
    actual = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        assert (actual, location.split("?")[0]) == (FOUND, reverse("login")), url
    elif expected == ADMIN_LOGIN:
        assert (actual, location.split("?")[0]) == (FOUND, reverse("admin:login")), url
    else:
        assert actual == expected, f"GET {url} as {role}: {actual} {location}"


@pytest.mark.parametrize(("route", "name"), sorted(SHADOWED))
def test_shadowed_patterns_are_really_shadowed(route, name):
    names = [r.name for r in ROUTES if r.route == route]
    assert name in names, "not a pattern any more: remove it from SHADOWED"
    assert resolve("/" + route).view_name != name
