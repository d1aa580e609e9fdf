"""`manage.py backup_database` and `restore_database` (make backup, make restore), on the database
the suite runs on: SQLite normally, PostgreSQL when DATABASE_URL names one (a scratch database
is then created and dropped around the restore)."""

import copy
import stat
import uuid
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend
from django.utils import timezone

from assessment.models import Assessment
from core.backup import BackupError, Database, backup
from tests.factories import FrameworkFactory, InitiativeFactory

# The backup tools read the database from another connection: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

SCRATCH = "backup_scratch"


def run(name, *args) -> list[str]:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().splitlines()


def snapshot(alias="default") -> dict:
    """Initiatives, assessments (answers, scores, verdicts) and applied migrations, read with
    plain SQL so that a database without our Django connection settings reads the same."""
    queries = {
        "initiatives": "SELECT slug, name, status, email, version FROM registry_initiative "
        "ORDER BY slug",
        "assessments": "SELECT i.slug, a.verdict, CAST(a.score AS TEXT), CAST(a.answers AS TEXT),"
        " a.is_current FROM assessment_assessment a JOIN registry_initiative i"
        " ON i.id = a.initiative_id ORDER BY i.slug, a.id",
        "migrations": "SELECT app, name FROM django_migrations ORDER BY app, name",
    }
    with connections[alias].cursor() as cursor:
        result = {}
        for name, sql in queries.items():
            cursor.execute(sql)
            result[name] = [tuple(row) for row in cursor.fetchall()]
    return result


@pytest.fixture
def registry_with_verdicts():
    framework = FrameworkFactory(version=3, status="published")
    for n, verdict in enumerate(["eligible", "not_eligible", "incomplete"]):
        initiative = InitiativeFactory(name=f"Boutique {n}", email=f"shop{n}@example.org")
        Assessment.objects.create(
            initiative=initiative,
            framework=framework,
            answers={"C1": 70 + n, "E1": True, "C5": ["bio", "local"]},
            score=40 + n * 10.5,
            max_score=100,
            verdict=verdict,
            assessed_at=timezone.now(),
            is_current=True,
        )


@contextmanager
def empty_database(tmp_path: Path):
    """A new, empty database of the same kind as the suite's, as a DATABASES alias."""
    settings_dict = copy.deepcopy(connection.settings_dict)
    vendor = connection.vendor
    if vendor == "postgresql":
        name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    settings_dict["NAME"] = name
    # A connection outside DATABASES: the test runner lets such dynamic connections through.
    connections[SCRATCH] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        settings_dict, alias=SCRATCH
    )
    try:
        yield SCRATCH
    finally:
        connections[SCRATCH].close()
        del connections[SCRATCH]
        if vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_an_empty_database_gives_the_same_data(
    registry_with_verdicts, tmp_path
):
    original = snapshot()
    path = tmp_path / "registry.backup"
    run("backup_database", "--output", str(path))

    with empty_database(tmp_path) as alias:
        output = run("restore_database", str(path), "--no-input", "--database", alias)
        restored = snapshot(alias)

    assert len(original["initiatives"]) == 3 and len(original["assessments"]) == 3
    assert restored == original
    assert output[-1].startswith(f"Restored {path} into the ")  # no migration left to run


def test_a_restore_replaces_what_changed_since_the_backup(registry_with_verdicts, tmp_path):
    original = snapshot()
    path = tmp_path / "registry.backup"
    run("backup_database", "--output", str(path))
    Assessment.objects.all().delete()
    InitiativeFactory(name="Added after the backup")

    run("restore_database", str(path), "--no-input")

    assert snapshot() == original


def test_the_backup_goes_to_a_dated_private_file_whose_path_is_the_last_line(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    lines = run("backup_database")

    path = Path(lines[-1])
    assert path.parent.resolve() == tmp_path / "backups"
    assert path.suffix == (".dump" if connection.vendor == "postgresql" else ".sqlite3")
    assert str(timezone.localdate().year) in path.name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert lines[0].startswith("Backed up the ")


def test_two_backups_in_the_same_second_do_not_overwrite_each_other(settings, tmp_path):
    settings.BASE_DIR = tmp_path

    first, second = run("backup_database")[-1], run("backup_database")[-1]

    assert first != second
    assert len(list((tmp_path / "backups").iterdir())) == 2


def test_restore_asks_for_confirmation(monkeypatch, tmp_path):
    path = tmp_path / "registry.backup"
    run("backup_database", "--output", str(path))
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore_database", str(path), stdout=StringIO())


def test_restore_refuses_an_unknown_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore_database", str(tmp_path / "missing.dump"), "--no-input")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")

    with pytest.raises(CommandError, match="is not a backup made by backup_database"):
        call_command("restore_database", str(path), "--no-input")


def test_restore_refuses_a_backup_of_the_other_kind_of_database(tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    path = tmp_path / "other.backup"
    path.write_bytes(b"SQLite format 3\x00" if other == "sqlite" else b"PGDMP\x01\x0e")

    with pytest.raises(CommandError, match="is a backup of a .* database, but"):
        call_command("restore_database", str(path), "--no-input")


def test_a_missing_pg_dump_is_reported_and_leaves_no_file(monkeypatch, tmp_path):
    monkeypatch.setattr("core.backup.shutil.which", lambda name: None)
    database = Database.from_settings(
        {"ENGINE": "django.db.backends.postgresql", "NAME": "circuits"}
    )

    with pytest.raises(BackupError, match="pg_dump was not found.*postgresql-client"):
        backup(database, tmp_path / "circuits.dump")

    assert list(tmp_path.iterdir()) == []


def test_an_unsupported_database_is_refused():
    with pytest.raises(BackupError, match="PostgreSQL and SQLite"):
        Database.from_settings({"ENGINE": "django.db.backends.mysql", "NAME": "circuits"})
