"""Production static files: collectstatic goes through with every vendor package, and pages
then name the hashed files."""

import json

import pytest
from django.core.management import call_command
from django.templatetags.static import static


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "config.storage.StaticFilesStorage"},
    }
    return tmp_path


def test_collectstatic_goes_through_despite_a_vendor_s_missing_source_map(production_static):
    call_command("collectstatic", interactive=False, verbosity=0)

    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    script = "vendor/leaflet-markercluster/leaflet.markercluster.js"
    assert script in manifest and "vendor/bootstrap/css/bootstrap.min.css" in manifest
    # The reference to the map the package does not ship is left as written.
    hashed = (production_static / manifest[script]).read_text()
    assert "sourceMappingURL=leaflet.markercluster.js.map" in hashed
    assert (production_static / (manifest["img/logo.svg"] + ".gz")).exists()
    assert static("img/logo.svg") == "/static/" + manifest["img/logo.svg"]
