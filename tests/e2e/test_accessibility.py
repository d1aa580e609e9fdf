"""axe-core finds no serious or critical accessibility problem on the public pages."""

import pytest
from pytest_playwright_axe import Axe

from tests.e2e.conftest import PHONE
from tests.e2e.test_public_site import make_initiatives

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def serious_violations(page, tmp_path) -> list[str]:
    results = Axe(output_directory=tmp_path).run(page, html_report_generated=False)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize(
    ("path", "viewport"),
    [
        ("/", None),
        ("/", PHONE),
        ("/initiatives/", None),
        ("/initiatives/?q=epicerie&label=AB&near=Albi", PHONE),
        ("/initiatives/?q=zzz", None),
        ("/carte/", None),
        ("/carte/", PHONE),
        ("detail", None),
        ("/mentions-legales/", None),
        ("/donnees-personnelles/", None),
    ],
)
def test_public_pages_have_no_serious_accessibility_violation(
    page, live_server, tmp_path, path, viewport
):
    initiative = make_initiatives()
    if viewport:
        page.set_viewport_size(viewport)
    if path == "detail":
        path = initiative.get_absolute_url()

    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")

    assert serious_violations(page, tmp_path) == []
