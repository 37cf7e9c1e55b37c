"""Atomic writes: the old file survives a failed write; links are refused."""

import errno
import os

import pytest

from pairaid import atomic


def test_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    atomic.write_text(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failure_half_way_keeps_the_old_file(tmp_path):
    target = tmp_path / "backup.csv"
    target.write_text("previous good backup", encoding="utf-8")
    with pytest.raises(OSError, match="No space left"):
        with atomic.atomic_open(target) as handle:
            handle.write("half")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    assert target.read_text(encoding="utf-8") == "previous good backup"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.csv"]


def test_symbolic_link_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "provenance.json"
    link.symlink_to(victim)
    with pytest.raises(atomic.UnsafeOutputError, match="symbolic link"):
        atomic.write_text(link, "{}")
    assert victim.read_text(encoding="utf-8") == "keep me"


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(atomic.UnsafeOutputError, match="is a folder"):
        atomic.write_bytes(tmp_path, b"x")
