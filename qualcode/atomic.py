"""Writing a file completely or not at all: one home for every export, report and codebook file.

The data goes to a temporary file in the target folder, is flushed to disk, and then replaces the
target in one step, so an error or a crash never leaves half a file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from qualcode.errors import WriteFailed


def write_atomically(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` completely or not at all (temporary file in the folder, then replace)."""
    if path.is_dir():
        raise WriteFailed(f"{path} is a folder; give a file name, e.g. {path / 'export'}{path.suffix}")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, before the replace
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as exc:
        raise WriteFailed(
            f"cannot write {path.name} in {path.parent} ({exc.strerror}); check that the folder "
            "exists and that you may write there"
        ) from None
    temporary = Path(handle.name)
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # The temporary file is private (0600); give the export the permissions of the file it
        # replaces, or those of any new file, so colleagues sharing the folder can open it.
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else 0o666 & ~_umask())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise WriteFailed(
            f"{path} cannot be written ({exc.strerror}); close it if another program has it open"
        ) from None


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it; put it straight back
    os.umask(mask)
    return mask
