"""The permission matrix's expectations: for every URL pattern of the project (admin and API
included), what each role gets. test_permission_matrix.py probes them."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

# --- roles and outcomes ---------------------------------------------------------------------

ANON, OWNER, OTHER = "anonymous", "owner", "other-retailer"
AGENT, CURATOR, ADMIN = "agent", "curator", "admin"
ROLES = [ANON, OWNER, OTHER, AGENT, CURATOR, ADMIN]
RETAILERS = (OWNER, OTHER)
STAFF = (AGENT, CURATOR, ADMIN)

OK, MOVED, FOUND, BAD_REQUEST, UNAUTHORIZED = 200, 301, 302, 400, 401
FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 403, 404, 405
LOGIN = "login"  # 302 to the site's log-in page, with ?next= back here
ADMIN_LOGIN = "admin-login"  # 302 to the admin's log-in page


def expect(
    everyone=None,
    *,
    anon=None,
    logged_in=None,
    retailers=None,
    owner=None,
    other=None,
    staff=None,
    agent=None,
    curator=None,
    admin=None,
) -> dict:
    """Outcome by role; the narrower argument wins (owner over retailers over logged_in…)."""
    outcomes = dict.fromkeys(ROLES, everyone)
    layers = [
        (logged_in, ROLES[1:]),
        (retailers, RETAILERS),
        (staff, STAFF),
        (anon, [ANON]),
        (owner, [OWNER]),
        (other, [OTHER]),
        (agent, [AGENT]),
        (curator, [CURATOR]),
        (admin, [ADMIN]),
    ]
    for outcome, roles in layers:
        if outcome is not None:
            outcomes.update(dict.fromkeys(roles, outcome))
    missing = [role for role, outcome in outcomes.items() if outcome is None]
    assert not missing, f"no outcome for {missing}"
    return outcomes


PUBLIC = expect(OK)
LOGGED_IN = expect(anon=LOGIN, logged_in=OK)
AGENTS_ONLY = expect(anon=LOGIN, retailers=FORBIDDEN, staff=OK)
# An initiative's private pages: someone else's initiative answers 404, as an unknown slug would.
OWNER_OR_AGENTS = expect(anon=LOGIN, owner=OK, other=NOT_FOUND, staff=OK)
API_AGENTS_ONLY = expect(anon=UNAUTHORIZED, retailers=FORBIDDEN, staff=OK)
ADMIN_STAFF = expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=OK)


@dataclass
class Rule:
    outcomes: dict
    # Path parameters: a value, or a function of `world`; DEFAULT_PARAMS fill the others.
    params: dict = field(default_factory=dict)
    why: str = ""


def rule(outcomes, why="", **params) -> Rule:
    return Rule(outcomes, params, why)


DEFAULT_PARAMS = {
    "slug": lambda w: w.own.slug,  # the owning retailer's initiative (a draft)
    "format": "json",
    "token": "not-a-valid-token",
    "step": "identite",
}

# --- the site and the API, by prefix ------------------------------------------------------

EXPECTED: dict[str, Rule] = {
    # i18n: GET only redirects back (the language changes on POST).
    "i18n/setlang/": rule(expect(FOUND)),
    "favicon.ico": rule(expect(MOVED)),
    # Public site
    "": rule(PUBLIC),
    "initiatives/": rule(PUBLIC),
    "initiatives/<slug:slug>/": rule(PUBLIC, slug=lambda w: w.public.slug),
    "carte/": rule(PUBLIC),
    "carte/donnees.json": rule(PUBLIC),
    "mentions-legales/": rule(PUBLIC),
    "donnees-personnelles/": rule(PUBLIC),
    "accessibilite/": rule(PUBLIC),
    "donnees-ouvertes/": rule(PUBLIC),
    "donnees-ouvertes/schema-<slug:table>.json": rule(PUBLIC, table="initiatives"),
    # Only the files of the last export are served; the test settings' folder has none.
    "donnees-ouvertes/<str:name>": rule(
        expect(NOT_FOUND), name="initiatives.csv", why="no export in the test folder"
    ),
    # Accounts (ours)
    "comptes/login/": rule(PUBLIC),
    "comptes/inscription/": rule(expect(anon=OK, logged_in=FOUND)),
    "comptes/verification/<str:token>/": rule(expect(BAD_REQUEST)),
    "comptes/verification/nouveau-lien/": rule(PUBLIC),
    "comptes/verification/<uidb64>/<token>/": rule(expect(BAD_REQUEST), uidb64="MQ"),
    "comptes/profil/": rule(LOGGED_IN),
    "comptes/profil/mes-donnees/": rule(LOGGED_IN),
    # Staff get a page saying an administrator deletes their accounts.
    "comptes/profil/supprimer/": rule(LOGGED_IN),
    "comptes/mes-initiatives/": rule(LOGGED_IN),
    "comptes/mes-initiatives/nouvelle/": rule(LOGGED_IN),
    "comptes/mes-initiatives/nouvelle/<slug:step>/": rule(LOGGED_IN),
    "comptes/initiatives/<slug:slug>/modifier/": rule(OWNER_OR_AGENTS),
    "comptes/initiatives/<slug:slug>/modifier/<slug:step>/": rule(OWNER_OR_AGENTS, step="lieu"),
    "comptes/initiatives/<slug:slug>/soumettre/": rule(expect(NOT_ALLOWED), why="POST only"),
    "comptes/communes/": rule(LOGGED_IN),
    "comptes/revendiquer/": rule(LOGGED_IN),
    "comptes/revendiquer/<slug:slug>/": rule(LOGGED_IN, slug=lambda w: w.public.slug),
    "comptes/revendication/<str:token>/": rule(expect(BAD_REQUEST)),
    # Accounts (django.contrib.auth); its login/ is shadowed by ours, at the same address.
    "comptes/logout/": rule(expect(NOT_ALLOWED), why="POST only"),
    "comptes/password_change/": rule(LOGGED_IN),
    "comptes/password_change/done/": rule(LOGGED_IN),
    "comptes/password_reset/": rule(PUBLIC),
    "comptes/password_reset/done/": rule(PUBLIC),
    "comptes/reset/<uidb64>/<token>/": rule(PUBLIC, uidb64="MQ"),  # "invalid link" page
    "comptes/reset/done/": rule(PUBLIC),
    # Back-office: agents, curators and admins
    "back-office/": rule(AGENTS_ONLY),
    "back-office/moderation/": rule(AGENTS_ONLY),
    "back-office/initiatives/": rule(AGENTS_ONLY),
    "back-office/initiatives/<slug:slug>/": rule(AGENTS_ONLY),
    "back-office/initiatives/<slug:slug>/moderer/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED), why="POST only"
    ),
    "back-office/revendications/": rule(AGENTS_ONLY),
    "back-office/revendications/<int:pk>/decision/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.claim.pk,
    ),
    # Imports of initiatives (issue 15)
    "back-office/imports/": rule(AGENTS_ONLY),
    "back-office/imports/<int:pk>/": rule(AGENTS_ONLY, pk=lambda w: w.import_batch.pk),
    "back-office/imports/<int:pk>/confirmer/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.import_batch.pk,
    ),
    "back-office/imports/<int:pk>/rapport.csv": rule(AGENTS_ONLY, pk=lambda w: w.import_batch.pk),
    "back-office/imports/modele/": rule(AGENTS_ONLY),
    "back-office/imports/modele.xlsx": rule(AGENTS_ONLY),
    "back-office/imports/modele.csv": rule(AGENTS_ONLY),
    "back-office/tableau-de-bord/": rule(AGENTS_ONLY),
    "back-office/tableau-de-bord/<slug:chart>.csv": rule(AGENTS_ONLY, chart="statuts"),
    "back-office/tableau-de-bord/<slug:chart>.xlsx": rule(AGENTS_ONLY, chart="statuts"),
    # Decision aid (planning): coverage, reach of the measures, action plans
    "back-office/couverture/": rule(AGENTS_ONLY),
    "back-office/couverture/communes.csv": rule(AGENTS_ONLY),
    "back-office/couverture/communes.xlsx": rule(AGENTS_ONLY),
    "back-office/couverture/zones-blanches.csv": rule(AGENTS_ONLY),
    "back-office/couverture/zones-blanches.xlsx": rule(AGENTS_ONLY),
    "back-office/portee-des-mesures/": rule(AGENTS_ONLY),
    "back-office/portee-des-mesures/matrice.csv": rule(AGENTS_ONLY),
    "back-office/portee-des-mesures/matrice.xlsx": rule(AGENTS_ONLY),
    "back-office/plans/": rule(AGENTS_ONLY),
    "back-office/plans/nouveau/": rule(AGENTS_ONLY),
    "back-office/plans/comparer/": rule(AGENTS_ONLY),
    "back-office/plans/<int:pk>/": rule(AGENTS_ONLY, pk=lambda w: w.plan.pk),
    "back-office/plans/<int:pk>/modifier/": rule(AGENTS_ONLY, pk=lambda w: w.plan.pk),
    "back-office/plans/<int:pk>/plan.csv": rule(AGENTS_ONLY, pk=lambda w: w.plan.pk),
    "back-office/plans/<int:pk>/plan.xlsx": rule(AGENTS_ONLY, pk=lambda w: w.plan.pk),
    "back-office/plans/<int:pk>/simulation/relancer/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.plan.pk,
    ),
    "back-office/plans/<int:pk>/mesures/ajouter/": rule(AGENTS_ONLY, pk=lambda w: w.plan.pk),
    "back-office/plans/<int:pk>/mesures/<int:item>/": rule(
        AGENTS_ONLY, pk=lambda w: w.plan.pk, item=lambda w: w.plan_item.pk
    ),
    "back-office/plans/<int:pk>/mesures/<int:item>/retirer/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.plan.pk,
        item=lambda w: w.plan_item.pk,
    ),
    # Assessment
    "evaluation/auto-evaluation/": rule(PUBLIC),
    "evaluation/file/": rule(AGENTS_ONLY),
    "evaluation/initiatives/<slug:slug>/": rule(OWNER_OR_AGENTS),
    "evaluation/initiatives/<slug:slug>/evaluer/": rule(AGENTS_ONLY),
    # Recommendations
    "mesures/": rule(PUBLIC),
    "mesures/<slug:code>/": rule(PUBLIC, code=lambda w: w.measure.code),
    "mesures/initiatives/<slug:slug>/": rule(OWNER_OR_AGENTS),
    "mesures/initiatives/<slug:slug>/proposer/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED), why="POST only"
    ),
    "mesures/suivis/<int:pk>/etat/": rule(
        expect(anon=LOGIN, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.followup.pk,
    ),
    "mesures/suivis/<int:pk>/terminer/": rule(AGENTS_ONLY, pk=lambda w: w.followup.pk),
    # API: reading is public, except an unvalidated initiative (its owners and agents only)
    "api/": rule(expect(FOUND)),
    "api/schema/": rule(PUBLIC),
    "api/docs/": rule(PUBLIC),
    "api/v1/": rule(PUBLIC),
    "api/v1/<drf_format_suffix:format>": rule(PUBLIC),
    "api/v1/^initiatives/$": rule(PUBLIC),
    r"api/v1/^initiatives\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^initiatives/(?P<slug>[-a-zA-Z0-9_]+)/$": rule(
        expect(anon=NOT_FOUND, owner=OK, other=NOT_FOUND, staff=OK)
    ),
    r"api/v1/^initiatives/(?P<slug>[-a-zA-Z0-9_]+)\.(?P<format>[a-z0-9]+)/?$": rule(
        expect(anon=NOT_FOUND, owner=OK, other=NOT_FOUND, staff=OK)
    ),
    "api/v1/^initiatives/(?P<slug>[-a-zA-Z0-9_]+)/status/$": rule(
        expect(NOT_ALLOWED), why="POST only"
    ),
    r"api/v1/^initiatives/(?P<slug>[-a-zA-Z0-9_]+)/status\.(?P<format>[a-z0-9]+)/?$": rule(
        expect(NOT_ALLOWED), why="POST only"
    ),
    "api/v1/initiatives/<slug:slug>/assessments/": rule(API_AGENTS_ONLY),
    "api/v1/initiatives/<slug:slug>/followups/": rule(API_AGENTS_ONLY),
    "api/v1/followups/<int:pk>/state/": rule(
        expect(anon=UNAUTHORIZED, retailers=FORBIDDEN, staff=NOT_ALLOWED),
        why="POST only",
        pk=lambda w: w.followup.pk,
    ),
    "api/v1/^frameworks/$": rule(PUBLIC),
    r"api/v1/^frameworks\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^frameworks/current/$": rule(PUBLIC),
    r"api/v1/^frameworks/current\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^frameworks/(?P<version>[0-9]+)/$": rule(PUBLIC, version=lambda w: w.framework.version),
    r"api/v1/^frameworks/(?P<version>[0-9]+)\.(?P<format>[a-z0-9]+)/?$": rule(
        PUBLIC, version=lambda w: w.framework.version
    ),
    "api/v1/^measures/$": rule(PUBLIC),
    r"api/v1/^measures\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^measures/(?P<code>[A-Za-z0-9_-]+)/$": rule(PUBLIC, code=lambda w: w.measure.code),
    r"api/v1/^measures/(?P<code>[A-Za-z0-9_-]+)\.(?P<format>[a-z0-9]+)/?$": rule(
        PUBLIC, code=lambda w: w.measure.code
    ),
    "api/v1/^departements/$": rule(PUBLIC),
    r"api/v1/^departements\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^departements/(?P<code>[^/.]+)/$": rule(PUBLIC, code="31"),
    r"api/v1/^departements/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC, code="31"),
    "api/v1/^types/$": rule(PUBLIC),
    r"api/v1/^types\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^types/(?P<code>[^/.]+)/$": rule(PUBLIC, code="MAG_PROD"),
    r"api/v1/^types/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC, code="MAG_PROD"),
    "api/v1/^needs/$": rule(PUBLIC),
    r"api/v1/^needs\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^needs/(?P<code>[^/.]+)/$": rule(PUBLIC, code="K_LOG"),
    r"api/v1/^needs/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC, code="K_LOG"),
    # Coverage: public, as the home page's summary (no personal data); plans: agents only.
    "api/v1/^coverage/communes/$": rule(PUBLIC),
    r"api/v1/^coverage/communes\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^coverage/departements/$": rule(PUBLIC),
    r"api/v1/^coverage/departements\.(?P<format>[a-z0-9]+)/?$": rule(PUBLIC),
    "api/v1/^plans/$": rule(API_AGENTS_ONLY),
    r"api/v1/^plans\.(?P<format>[a-z0-9]+)/?$": rule(API_AGENTS_ONLY),
    "api/v1/^plans/(?P<pk>[0-9]+)/$": rule(API_AGENTS_ONLY, pk=lambda w: w.plan.pk),
    r"api/v1/^plans/(?P<pk>[0-9]+)\.(?P<format>[a-z0-9]+)/?$": rule(
        API_AGENTS_ONLY, pk=lambda w: w.plan.pk
    ),
}

# Patterns that never answer, as an earlier pattern takes the same address: (route, name).
SHADOWED = {
    ("comptes/login/", "login"),
    ("comptes/password_reset/", "password_reset"),
}  # ours answer

# --- the admin ------------------------------------------------------------------------------

ADMIN_PAGES: dict[str, Rule] = {
    "admin/": rule(ADMIN_STAFF),
    "admin/login/": rule(expect(anon=OK, retailers=OK, staff=FOUND)),
    # The admin's log-out takes POST only; visitors who are not staff are sent to the index.
    "admin/logout/": rule(expect(anon=FOUND, retailers=FOUND, staff=NOT_ALLOWED)),
    "admin/password_change/": rule(ADMIN_STAFF),
    "admin/password_change/done/": rule(ADMIN_STAFF),
    # Without its query parameters the autocomplete refuses.
    "admin/autocomplete/": rule(expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=FORBIDDEN)),
    "admin/jsi18n/": rule(ADMIN_STAFF),
    "admin/r/<path:content_type_id>/<path:object_id>/": rule(
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=FOUND),
        content_type_id=lambda w: (
            ContentType.objects.get_by_natural_key("registry", "initiative").pk
        ),
        object_id=lambda w: w.public.pk,
    ),
    "admin/^(?P<app_label>auth|authtoken|axes|core|registry|assessment|recommendations|planning|django_tasks_database)/$": rule(
        ADMIN_STAFF, app_label="registry"
    ),
    # Unknown admin addresses: only staff learn that they do not exist.
    "admin/(?P<url>.*)$": rule(
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=NOT_FOUND), url="no-such-page/"
    ),
    # Restoring a version of an initiative: curators and admins; agents see the history only.
    "admin/registry/initiative/<path:object_id>/history/<int:version_id>/restore/": rule(
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, agent=FORBIDDEN, curator=OK, admin=OK),
        object_id=lambda w: w.own.pk,
        version_id=lambda w: w.own.history.latest("history_date").history_id,
    ),
    # Background tasks: starting one is a POST; a finished export's file (none here: 404).
    "admin/core/taskrun/launch/<slug:code>/": rule(
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=NOT_ALLOWED), code="export-csv"
    ),
    "admin/core/taskrun/<int:pk>/download/": rule(
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=NOT_FOUND),
        pk=lambda w: w.admin_objects["core.taskrun"].pk,
    ),
    "admin/assessment/framework/<int:pk>/impact/": rule(
        # Agents are sent back to the admin index; curators and admins see the impact.
        expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, agent=FOUND, curator=OK, admin=OK),
        pk=lambda w: w.draft_framework.pk,
    ),
}

# What each role may do with each model in the admin: (v)iew, (a)dd, (c)hange, (d)elete.
# Roles not named may do nothing (the admin answers 403 inside, or sends non-staff to log in).
REFERENCE_RIGHTS = {AGENT: "v", CURATOR: "vacd", ADMIN: "vacd"}
ADMIN_MODELS: dict[str, dict[str, str]] = {
    "auth.group": {ADMIN: "vacd"},
    "auth.user": {ADMIN: "vacd"},
    "authtoken.tokenproxy": {ADMIN: "vacd"},
    "axes.accessattempt": {ADMIN: "vcd"},
    "axes.accesslog": {ADMIN: "vcd"},
    "axes.accessfailurelog": {ADMIN: "vcd"},
    "registry.departement": REFERENCE_RIGHTS,
    "registry.commune": REFERENCE_RIGHTS,
    "registry.productcategory": REFERENCE_RIGHTS,
    "registry.pacteorientation": REFERENCE_RIGHTS,
    "registry.initiativetype": REFERENCE_RIGHTS,
    "registry.label": REFERENCE_RIGHTS,
    "registry.need": REFERENCE_RIGHTS,
    "registry.pacteaction": REFERENCE_RIGHTS,
    "registry.initiative": {AGENT: "vc", CURATOR: "vc", ADMIN: "vacd"},
    "registry.statuschange": {AGENT: "v", CURATOR: "v", ADMIN: "vcd"},
    # Frameworks and criteria are the curators'; the probed framework is a draft.
    "assessment.framework": {CURATOR: "vacd", ADMIN: "vacd"},
    "assessment.criterion": {CURATOR: "vacd", ADMIN: "vacd"},
    "assessment.assessment": {AGENT: "v", CURATOR: "v", ADMIN: "v"},  # read-only
    "recommendations.measure": {AGENT: "v", CURATOR: "vacd", ADMIN: "vacd"},
    "recommendations.followup": {AGENT: "vac", CURATOR: "vac", ADMIN: "vacd"},
    "recommendations.followupevent": {ADMIN: "vacd"},
    # Plans are composed in the back-office (their changes recorded there): the admin only
    # reads and deletes them.
    "planning.plan": {ADMIN: "vd"},
    # Background tasks: followed by staff, retried by curators and admins, never added, edited
    # or deleted by hand; the task backend's own results are the admins'.
    "core.taskrun": {AGENT: "v", CURATOR: "vc", ADMIN: "vc"},
    "django_tasks_database.dbtaskresult": {ADMIN: "v"},
}
ADMIN_MODEL_PAGES = {  # route suffix → the rights that open it
    "": "vc",
    "add/": "a",
    "<path:object_id>/history/": "vc",
    "<path:object_id>/delete/": "d",
    "<path:object_id>/change/": "vc",
}


def _admin_model_rules() -> dict[str, Rule]:
    rules = {}
    for label, rights in ADMIN_MODELS.items():
        prefix = "admin/" + label.replace(".", "/") + "/"
        for suffix, needed in ADMIN_MODEL_PAGES.items():
            outcomes = expect(
                anon=ADMIN_LOGIN,
                retailers=ADMIN_LOGIN,
                **{
                    role: OK if set(rights.get(role, "")) & set(needed) else FORBIDDEN
                    for role in STAFF
                },
            )
            rules[prefix + suffix] = rule(outcomes, object_id=_admin_object(label))
        # <id>/ only redirects to <id>/change/, whatever the staff member may do there.
        rules[prefix + "<path:object_id>/"] = rule(
            expect(anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, staff=FOUND),
            object_id=_admin_object(label),
        )
    rules["admin/auth/user/<id>/password/"] = rule(
        expect(
            anon=ADMIN_LOGIN, retailers=ADMIN_LOGIN, agent=FORBIDDEN, curator=FORBIDDEN, admin=OK
        ),
        id=lambda w: w.users[OWNER].pk,
    )
    return rules


def _admin_object(label):
    return lambda w: w.admin_objects[label].pk


ALL_RULES = {**EXPECTED, **ADMIN_PAGES, **_admin_model_rules()}
