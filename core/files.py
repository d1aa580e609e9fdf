"""Files written all or nothing: through a temporary file beside the target, renamed over it
once complete, so that a failed or interrupted write never leaves half a file under its name."""

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, chunks: Iterable[bytes], *, mode: int | None = None) -> int:
    """Write `chunks` to `path` (with permissions `mode` if given); the size in bytes."""
    size = 0
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(descriptor, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
                size += len(chunk)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return size
