"""Files written by background exports (EXPORTS_DIR), all or nothing: a file appears under its
name only once complete, so a failed export never leaves half a file to download."""

import re
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from core.files import write_atomically

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


def exports_dir() -> Path:
    folder = Path(settings.EXPORTS_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def write_export(filename: str, chunks: Iterable[bytes]) -> tuple[Path, int]:
    """Write `chunks` to EXPORTS_DIR/filename through a temporary file; (path, bytes)."""
    if not SAFE_NAME.match(filename):
        raise ValueError(f"Unsafe export file name: {filename!r}")
    path = exports_dir() / filename
    return path, write_atomically(path, chunks)


def export_file(run) -> Path | None:
    """The file a finished export run wrote, if it is still there."""
    result = run.result if isinstance(run.result, dict) else {}
    filename = result.get("filename")
    if not filename or not SAFE_NAME.match(filename):
        return None
    path = Path(settings.EXPORTS_DIR) / filename
    return path if path.is_file() else None
