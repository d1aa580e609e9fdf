"""The settings of a test run: the site's (config/settings.py) with DJANGO_TESTING on.

pytest-django imports them (DJANGO_SETTINGS_MODULE in pyproject.toml) before any conftest.py,
which is too late to set the environment, so that a plain `.venv/bin/pytest` runs like
`make test`. A DJANGO_TESTING or DJANGO_SETTINGS_MODULE of the environment still wins.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_TESTING", "true")

from config.settings import *  # noqa: E402, F403

# No open-data files unless a test writes them: not the ones a local run may have left in media/.
OPEN_DATA_DIR = Path(tempfile.gettempdir()) / f"open-data-tests-{os.getpid()}"
