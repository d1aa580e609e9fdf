"""The README's commands work when pasted after `make run`."""

import re
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _sections() -> dict[str, str]:
    parts = re.split(r"^## ", README.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {part.splitlines()[0]: part for part in parts[1:]}


def test_development_sections_run_management_commands_through_make():
    """`python manage.py …` needs the venv and DJANGO_DEBUG=true locally: the sections a
    developer pastes from after `make run` say `make manage CMD=…` or `make token` (operators'
    sections, such as Deploy, Backups or the daily jobs, speak of the production set-up)."""
    local = {
        title: text
        for title, text in _sections().items()
        if title in ("Two commands", "Eligibility assessment", "REST API", "Development")
    }
    bare = [
        (title, line.strip())
        for title, text in local.items()
        for line in text.splitlines()
        if "python manage.py" in line and "in production" not in line
    ]

    assert bare == []


def test_make_manage_and_token_run_with_the_local_settings():
    for target in (["manage", "CMD=check"], ["token", "NAME=agent"]):
        dry_run = subprocess.run(
            ["make", "-n", "--always-make", *target],
            capture_output=True,
            text=True,
            check=True,
            cwd=README.parent,
        ).stdout

        assert "DJANGO_DEBUG=true .venv/bin/python manage.py" in dry_run
