"""Atomic file writes: every file pairaid writes goes through here.

The new content goes to a temporary file in the same folder, is flushed and fsynced, then renamed
over the target, so a crash or a full disk leaves either the old file or the new one, never half
of one. A target that is a symbolic link is refused rather than followed (a planted link must not
make pairaid overwrite a file elsewhere).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pairaid.errors import InputError


class UnsafeOutputError(InputError):
    """An output path pairaid will not write to (a symbolic link, a folder)."""


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """`path` as a Path, refusing symbolic links and folders as output files."""
    target = Path(path)
    if target.is_symlink():
        raise UnsafeOutputError(f"{target}: is a symbolic link; pairaid does not write through "
                                "links (give the real path)")
    if target.is_dir():
        raise UnsafeOutputError(f"{target}: is a folder, not a file")
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path` atomically.

    For writers that want a file name (pandas, openpyxl, pyarrow). On any error the temporary
    file is removed and `path` is untouched.
    """
    target = check_output_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise
    _fsync_dir(target.parent)


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w",
                encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing that replaces `path` atomically when the block ends."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp, open(tmp, mode, encoding=encoding, newline=newline) as handle:
        yield handle
        handle.flush()


def write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Path.write_text, atomically."""
    with atomic_open(path, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Path.write_bytes, atomically."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def _fsync_dir(folder: Path) -> None:
    # the rename itself is durable only once the folder's entry is on disk (POSIX)
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
