"""Atomic file writes: every file pairaid writes goes through here.

The new content goes to a temporary file in the same folder, is flushed and fsynced, then renamed
over the target, so a crash or a full disk leaves either the old file or the new one, never half
of one. A target that is a symbolic link is refused rather than followed (a planted link must not
make pairaid overwrite a file elsewhere).
"""

from __future__ import annotations

import contextlib
import os
import shutil
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
    os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide an export from the user's group
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    # the rename itself is durable only once the folder's entry is on disk (POSIX)
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class OutputFolderError(UnsafeOutputError):
    """A folder pairaid will not write its output into (someone else's files are there)."""


@contextlib.contextmanager
def staged_folder(target: str | os.PathLike[str], marker: str, *, force: bool = False,
                  what: str = "output") -> Iterator[Path]:
    """Yield an empty folder beside `target` to write a whole output into; on success it takes
    `target`'s place, so no file of an earlier output is left behind and a failure half-way
    leaves `target` as it was.

    `target` must be missing, empty, or made by pairaid (it holds `marker`, which is written into
    every folder made here); a folder of other files is refused unless `force`, and then the new
    files are moved in one by one and the folder's other files are kept. Links are never
    followed: `target` itself, and any sub-folder a file is moved into, must not be a link.
    """
    final = Path(target)
    if final.is_symlink():
        raise OutputFolderError(f"{final}: is a symbolic link; pairaid does not write through "
                                "links (give the real path)")
    if final.exists() and not final.is_dir():
        raise OutputFolderError(f"{final}: is a file, not a folder")
    ours = final.is_dir() and (final / marker).is_file() and not (final / marker).is_symlink()
    empty = final.is_dir() and not any(final.iterdir())
    if final.is_dir() and not (ours or empty or force):
        raise OutputFolderError(f"{final}: the folder holds files pairaid did not write; give an "
                                f"empty or new folder for the {what}, or --force to write into "
                                "it anyway")
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".part",
                                        dir=final.parent))
    except OSError as exc:
        raise OutputFolderError(f"cannot write the {what} folder {final}: "
                                f"{exc.strerror or exc}") from None
    staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the output from the group
    try:
        yield staging
        (staging / marker).write_text(f"This folder was written by pairaid ({what}); pairaid "
                                      "replaces it whole when it writes the next one.\n",
                                      encoding="utf-8")
        _fsync_tree(staging)
        if final.is_dir() and not (ours or empty):
            _move_into(staging, final)
        else:
            _swap(staging, final)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    _fsync_dir(final.parent)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        elif path.is_dir():
            _fsync_dir(path)
    _fsync_dir(folder)


def _swap(staging: Path, final: Path) -> None:
    """`staging` takes `final`'s place; the old folder (ours or empty) goes."""
    if not final.exists():
        os.rename(staging, final)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    os.rename(final, old / "x")  # POSIX has no atomic swap of two folders: two renames
    try:
        os.rename(staging, final)
    except BaseException:
        os.rename(old / "x", final)
        raise
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _move_into(staging: Path, final: Path) -> None:
    """Each staged file replaces its namesake in `final` (with --force on a foreign folder).
    Every destination is checked before the first file moves: a link or a misplaced file stops
    the whole write, not half of it."""
    staged = sorted(staging.rglob("*"))
    for path in staged:
        destination = final / path.relative_to(staging)
        if destination.is_symlink():
            raise OutputFolderError(f"{destination}: is a symbolic link; pairaid does not write "
                                    "through links (remove it or give another folder)")
        if destination.exists() and path.is_dir() != destination.is_dir():
            found, wanted = ("folder", "file") if destination.is_dir() else ("file", "folder")
            raise OutputFolderError(f"{destination}: is in the way (a {found} where pairaid "
                                    f"writes a {wanted})")
    for path in staged:
        destination = final / path.relative_to(staging)
        if path.is_dir():
            destination.mkdir(exist_ok=True)
        else:
            os.replace(path, destination)
