"""The settings of a test run: the site's (config/settings.py) with DJANGO_TESTING on.

pytest-django imports them (DJANGO_SETTINGS_MODULE in pyproject.toml) before any conftest.py,
which is too late to set the environment, so that a plain `.venv/bin/pytest` runs like
`make test`. A DJANGO_TESTING or DJANGO_SETTINGS_MODULE of the environment still wins.
"""

import os

os.environ.setdefault("DJANGO_TESTING", "true")

from config.settings import *  # noqa: E402, F403
