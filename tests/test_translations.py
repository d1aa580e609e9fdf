"""The French catalogues are complete: French is the default language of the interface."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
FRENCH = [BASE / "locale/fr/LC_MESSAGES/django.po"] + sorted(
    BASE.glob("*/locale/fr/LC_MESSAGES/django.po")
)


def test_there_are_french_catalogues_for_every_app_and_the_templates():
    assert all(path.exists() for path in FRENCH)
    assert {path.relative_to(BASE).parts[0] for path in FRENCH} >= {
        "locale", "registry", "assessment", "recommendations"
    }  # fmt: skip


@pytest.mark.parametrize("path", FRENCH, ids=lambda p: str(p.relative_to(BASE)))
def test_every_message_has_a_french_translation(path):
    catalogue = polib.pofile(str(path))

    untranslated = [e.msgid for e in catalogue if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", FRENCH, ids=lambda p: str(p.relative_to(BASE)))
def test_every_french_plural_has_all_its_forms(path):
    catalogue = polib.pofile(str(path))
    nplurals = int(catalogue.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])

    incomplete = [
        e.msgid
        for e in catalogue
        if e.msgid_plural and len([f for f in e.msgstr_plural.values() if f]) < nplurals
    ]

    assert incomplete == []


@pytest.mark.parametrize("path", FRENCH, ids=lambda p: str(p.relative_to(BASE)))
def test_every_catalogue_is_compiled_and_up_to_date(path):
    source = {
        e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(path)) if e.translated()
    }
    compiled = {
        e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(path.with_suffix(".mo")))
    }

    assert compiled == source
