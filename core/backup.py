"""Backups of the database and their restoration (`manage.py backup_database`,
`restore_database`; `make backup`, `make restore`).

- PostgreSQL: `pg_dump --format=custom` (compressed, restores selectively, across versions of
  the server) and `pg_restore --clean --if-exists --single-transaction`, so a restore replaces
  every table or, on any error, changes nothing. The password reaches the tools through the
  environment (PGPASSWORD), never their command line, which `ps` shows to every user.
- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a page-by-page copy that
  is consistent even while the app writes, of everything in the file: tables, sequences,
  migrations applied. `dumpdata` would be slower, skip the tables without a model (the
  migrations record, sessions) and ask for natural keys to survive new content types; a copy
  of the file with `cp` could catch a write half-way.

Backups hold every personal data the app keeps: the files are created readable by their owner
only (0600), in a folder of the same kind.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # nosec B404 # runs pg_dump/pg_restore with a list of arguments, no shell
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

POSTGRESQL_MAGIC = b"PGDMP"  # first bytes of a pg_dump custom-format archive
SQLITE_MAGIC = b"SQLite format 3\x00"
EXTENSIONS = {"postgresql": ".dump", "sqlite": ".sqlite3"}


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why and what to do."""


@dataclass
class Database:
    """The database a backup reads or a restore writes, from a Django DATABASES entry."""

    vendor: str  # "postgresql" or "sqlite"
    settings: dict

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Database":
        engine = settings_dict["ENGINE"]
        for vendor in ("postgresql", "sqlite"):
            if engine.endswith(("." + vendor, "." + vendor + "3")):
                return cls(vendor=vendor, settings=settings_dict)
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")

    @property
    def name(self) -> str:
        return str(self.settings["NAME"])

    @property
    def label(self) -> str:
        if self.vendor == "postgresql":
            return f"PostgreSQL database “{self.name}”"
        return f"SQLite database {self.name}"

    def pg_environment(self) -> dict:
        """The libpq variables that make pg_dump and pg_restore reach this database."""
        env = dict(os.environ)
        variables = {
            "PGHOST": self.settings.get("HOST"),
            "PGPORT": self.settings.get("PORT"),
            "PGUSER": self.settings.get("USER"),
            "PGPASSWORD": self.settings.get("PASSWORD"),
            "PGDATABASE": self.name,
        }
        options = self.settings.get("OPTIONS") or {}
        for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
            if options.get(option):
                variables[variable] = options[option]
        env.update({key: str(value) for key, value in variables.items() if value})
        return env


def default_path(database: Database, directory: Path | None = None) -> Path:
    """backups/<database name>-<local date and time><extension>."""
    directory = directory or Path(settings.BASE_DIR) / "backups"
    stem = Path(database.name).stem if database.vendor == "sqlite" else database.name
    stem = re.sub(r"[^\w.-]+", "-", stem).strip("-") or "database"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return directory / f"{stem}-{stamp}{EXTENSIONS[database.vendor]}"


def _create_private_file(path: Path) -> Path:
    """Create `path` empty, readable by its owner only; never overwrite an existing file."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    candidate, n = path, 2
    while True:
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            return candidate
        except FileExistsError:  # two backups within the same second
            candidate, n = path.with_name(f"{path.stem}-{n}{path.suffix}"), n + 1


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on the PATH. Install the PostgreSQL client tools of the "
            f"server's major version or newer (Debian: apt-get install postgresql-client)."
        )
    return path


def _run(command: list[str], database: Database) -> None:
    result = subprocess.run(  # nosec B603 # fixed tool, arguments as a list, no shell
        command, env=database.pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        tool = Path(command[0]).name
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{tool} failed: {detail}")


def backup(database: Database, path: Path | None = None) -> Path:
    """Write a backup of `database` to `path` (default_path() when None); return the path."""
    if database.vendor == "postgresql":
        pg_dump = _tool("pg_dump")  # before creating any file
    path = _create_private_file(Path(path) if path else default_path(database))
    try:
        if database.vendor == "postgresql":
            _run([pg_dump, "--format=custom", "--no-password", f"--file={path}"], database)
        else:
            with (
                closing(_sqlite_connect(database)) as source,
                closing(sqlite3.connect(path)) as target,
            ):
                source.backup(target)
    except BaseException:
        path.unlink(missing_ok=True)  # no empty or partial file left to be mistaken for a backup
        raise
    return path


def check_backup_file(path: Path, database: Database) -> None:
    """Refuse a missing file, or one that is not a backup of this kind of database."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    kind = (
        "postgresql"
        if head.startswith(POSTGRESQL_MAGIC)
        else "sqlite"
        if head.startswith(SQLITE_MAGIC)
        else None
    )
    if kind is None:
        raise BackupError(
            f"{path} is not a backup made by backup_database (neither a pg_dump custom-format "
            f"archive nor an SQLite database)."
        )
    if kind != database.vendor:
        names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
        raise BackupError(
            f"{path} is a backup of a {names[kind]} database, but the database to restore "
            f"into is {names[database.vendor]}."
        )


def restore(database: Database, path: Path) -> None:
    """Replace every table of `database` with the contents of the backup at `path`."""
    path = Path(path)
    check_backup_file(path, database)
    if database.vendor == "postgresql":
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--single-transaction",
                "--no-owner",
                "--no-password",
                f"--dbname={database.name}",
                str(path),
            ],
            database,
        )
        return
    with (
        closing(sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)) as source,
        closing(_sqlite_connect(database)) as target,
    ):
        source.backup(target)


def _sqlite_connect(database: Database) -> sqlite3.Connection:
    # The test runner's in-memory databases are "file:…?mode=memory&cache=shared" URIs; a
    # plain path stays a path with uri=True.
    return sqlite3.connect(database.name, uri=True)
