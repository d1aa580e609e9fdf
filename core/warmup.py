"""What a web process would otherwise load during its first requests, loaded once in gunicorn's
master before it forks the workers (deploy/gunicorn.conf.py).

gunicorn replaces each worker after `max_requests`. Without this, every new worker compiled the
templates of the pages it served first and read the translation catalogues. Under load, those
slow first requests were the slowest 1 % of the cached catalogue pages: p99 was 2.9× p50 in
bench/load.py, against 2.1× with recycling turned off.
"""

from pathlib import Path

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.utils import translation

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def warm_up() -> int:
    """Compile every template into the cached loaders (the project's engines' and the form
    renderer's, which draws the widgets) and load each language's catalogue. Returns the number
    of templates compiled."""
    renderer = getattr(get_default_renderer(), "engine", None)
    compiled = 0
    for engine in [*engines.all(), *([renderer] if renderer else [])]:
        names = {
            path.relative_to(folder).as_posix()
            for folder in map(Path, engine.template_dirs)
            for path in folder.rglob("*")
            if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
        }
        for name in sorted(names):
            engine.get_template(name)  # the first folder holding a name wins, as for a view
        compiled += len(names)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Initiatives")
    return compiled
