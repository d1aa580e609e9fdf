"""core.warmup: what gunicorn's master loads before forking, so that a new worker starts warm."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader
from django.test import Client
from django.utils import translation

from core.warmup import warm_up


def cached_loader() -> CachedLoader:
    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    return loader


def test_every_template_of_the_project_and_its_apps_is_compiled_in_advance():
    loader = cached_loader()
    loader.reset()

    compiled = warm_up()

    names = set(loader.get_template_cache)
    assert compiled >= len(names) > 200  # the form renderer's widgets too
    # The project's, an app's of ours and a third-party app's templates.
    assert {"base.html", "catalogue/initiative_list.html", "admin/base.html"} <= names


def test_a_page_then_reads_no_template_file(db, monkeypatch):
    warm_up()
    read = []
    original = CachedLoader.get_template

    def spy(self, template_name, skip=None):
        if template_name not in self.get_template_cache:
            read.append(template_name)
        return original(self, template_name, skip)

    monkeypatch.setattr(CachedLoader, "get_template", spy)

    assert Client().get("/initiatives/").status_code == 200
    assert read == []


def test_each_language_s_catalogue_is_loaded(monkeypatch):
    loaded = []
    monkeypatch.setattr(translation.trans_real, "_translations", {})
    original = translation.trans_real.DjangoTranslation

    def spy(language, *args, **kwargs):
        loaded.append(language)
        return original(language, *args, **kwargs)

    monkeypatch.setattr(translation.trans_real, "DjangoTranslation", spy)

    warm_up()

    assert {"fr", "en"} <= set(loaded)
