"""axe-core finds no serious or critical accessibility problem on any kind of page, on a laptop
(1366 px) and on a phone (375 px): public pages, forms (also showing their errors), the
retailer's space and registration steps, the back-office, the admin, the API documentation and
the 404 page.

Each test opens its pages once and checks them at both widths (the layout changes, the content
does not), collecting every problem before failing, so that one run shows them all.
"""

from types import SimpleNamespace

import pytest
from pytest_playwright_axe.axe import MIN_AXE_PATH

from core.roles import ADMIN, AGENT, RETAILER
from registry.models import Status
from tests.e2e.conftest import log_in
from tests.e2e.test_public_site import make_initiatives
from tests.factories import (
    ClaimFactory,
    InitiativeFactory,
    MeasureFactory,
    NeedFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 740}

AXE_SOURCE = MIN_AXE_PATH.read_text(encoding="utf-8")
# Violations only (not the passes): a run takes a tenth of the time.
RUN_AXE = """async () => {
    const results = await axe.run(document, {resultTypes: ["violations"]});
    return results.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(" "))}));
}"""

# Problems of third-party code that we cannot change, listed with their remedy in the
# accessibility statement (templates/pages/accessibility.html): Swagger UI puts the deep link
# of each operation inside the button that opens it.
THIRD_PARTY = {"/api/docs/": {"nested-interactive"}}

# Pages that build part of their content with scripts: what to wait for before checking.
READY = {
    "/carte/": "#initiative-map[data-markers]",
    "/api/docs/": ".opblock",
}


def serious_violations(page, path="") -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (axe-core as
    pytest-playwright-axe ships it, injected once per page)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return [
        f"{v['id']} ({v['impact']}): {v['targets']}"
        for v in page.evaluate(RUN_AXE)
        if v["id"] not in THIRD_PARTY.get(path, ())
    ]


# Two animation frames: the page's resize observers (static/js/site.js) have run.
AFTER_LAYOUT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def check_at_both_widths(page, path, problems):
    for name, viewport in (("1366", LAPTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        page.evaluate(AFTER_LAYOUT)
        if violations := serious_violations(page, path):
            problems[f"{path} @ {name} px"] = violations
    page.set_viewport_size(LAPTOP)


def check_pages(page, live_server, paths) -> dict[str, list[str]]:
    """Every serious or critical violation of each page, at both widths."""
    problems = {}
    for path in paths:
        page.set_viewport_size(LAPTOP)
        page.goto(f"{live_server.url}{path}")
        if path in READY:
            page.wait_for_selector(READY[path], state="attached")
        check_at_both_widths(page, path, problems)
    return problems


def make_world():
    """Public initiatives, a published framework, a measure, and people at work: a retailer
    with a draft and a validated initiative, an agent, an administrator."""
    from assessment.services import assess_initiative
    from recommendations.services import propose_measure
    from tests.assessment.conftest import FULL_ANSWERS, small_framework

    public = make_initiatives()
    small_framework(version=1)
    need = NeedFactory()
    measure = MeasureFactory(code="TSTA1", needs=[need])
    retailer = user_with_role(RETAILER, username="gerante@example.org", email="gerante@example.org")
    agent = user_with_role(AGENT, username="agent@example.org", email="agent@example.org")
    admin = user_with_role(ADMIN, username="admin@example.org", is_staff=True, is_superuser=True)
    draft = InitiativeFactory(
        name="Brouillon de la gérante", status=Status.DRAFT, owners=[retailer]
    )
    draft.needs.set([need])
    own = InitiativeFactory(name="Magasin de la gérante", owners=[retailer])
    own.needs.set([need])
    assess_initiative(initiative=own, answers=FULL_ANSWERS, assessed_by=agent)
    followup = propose_measure(initiative=own, measure=measure, by=agent)
    InitiativeFactory(name="Épicerie en attente", status=Status.SUBMITTED)
    ClaimFactory(initiative=public, claimant=retailer)
    return SimpleNamespace(
        public=public,
        measure=measure,
        retailer=retailer,
        agent=agent,
        admin=admin,
        draft=draft,
        own=own,
        followup=followup,
    )


def test_public_pages(page, live_server):
    world = make_world()
    paths = [
        "/",
        "/initiatives/",
        "/initiatives/?q=epicerie&label=AB&near=Albi",
        "/initiatives/?q=zzz",
        "/carte/",
        world.public.get_absolute_url(),
        "/mesures/",
        world.measure.get_absolute_url(),
        "/evaluation/auto-evaluation/",
        "/comptes/login/",
        "/comptes/inscription/",
        "/comptes/password_reset/",
        "/comptes/verification/nouveau-lien/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/accessibilite/",
        "/page-qui-n-existe-pas/",
        "/api/docs/",
    ]
    assert check_pages(page, live_server, paths) == {}


def test_forms_showing_their_errors(page, live_server):
    """The sign-up, log-in and self-check forms sent empty or wrong."""
    make_world()
    problems = {}

    page.goto(f"{live_server.url}/comptes/inscription/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_selector("[data-error-summary]")
    check_at_both_widths(page, "/comptes/inscription/ (errors)", problems)

    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("personne@example.org")
    page.get_by_label("Mot de passe").fill("mauvais mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-error-summary]")
    check_at_both_widths(page, "/comptes/login/ (errors)", problems)

    page.goto(f"{live_server.url}/evaluation/auto-evaluation/")
    page.locator("#id_E4").fill("150")  # a share, in %
    page.get_by_role("button", name="Voir mon résultat").click()
    page.wait_for_selector("[data-error-summary]")
    check_at_both_widths(page, "/evaluation/auto-evaluation/ (errors)", problems)

    assert problems == {}


def test_retailer_space_and_registration_steps(page, live_server):
    world = make_world()
    log_in(page, live_server, world.retailer)
    draft = world.draft.slug
    paths = [
        "/comptes/mes-initiatives/",
        "/comptes/mes-initiatives/nouvelle/",
        *(
            f"/comptes/initiatives/{draft}/modifier/{step}/"
            for step in ("identite", "lieu", "approvisionnement", "labels", "besoins")
        ),
        f"/evaluation/initiatives/{world.own.slug}/",
        f"/mesures/initiatives/{world.own.slug}/",
        "/comptes/profil/",
        "/comptes/revendiquer/?q=epicerie",
    ]
    problems = check_pages(page, live_server, paths)

    # A registration step sent with a required field emptied.
    page.goto(f"{live_server.url}/comptes/initiatives/{draft}/modifier/identite/")
    page.locator("#id_name").fill("")
    page.locator("button[value=save]").click()
    page.wait_for_selector("[data-error-summary]")
    check_at_both_widths(page, "identite (errors)", problems)

    assert problems == {}


def test_back_office(page, live_server):
    world = make_world()
    log_in(page, live_server, world.agent)
    slug = world.own.slug
    paths = [
        "/back-office/",
        "/back-office/moderation/",
        "/back-office/initiatives/",
        f"/back-office/initiatives/{world.draft.slug}/",
        "/back-office/revendications/",
        "/back-office/tableau-de-bord/",
        "/evaluation/file/",
        f"/evaluation/initiatives/{slug}/evaluer/",
        f"/evaluation/initiatives/{slug}/",
        f"/mesures/initiatives/{slug}/",
        f"/mesures/suivis/{world.followup.pk}/terminer/",
        "/mesures/",
        world.measure.get_absolute_url(),
    ]
    assert check_pages(page, live_server, paths) == {}


def test_admin(page, live_server):
    world = make_world()
    log_in(page, live_server, world.admin)
    assert check_pages(page, live_server, ["/admin/", "/admin/registry/initiative/"]) == {}
