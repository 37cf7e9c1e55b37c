"""Issue 13, files out: atomic exports on a full disk, links never followed, the report folder
rules (empty, pairaid-made, or --force; no stale files)."""

from __future__ import annotations

import errno
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import load_mini
from pairaid.atomic import OutputFolderError, staged_folder
from pairaid.cli.main import app
from pairaid.ledger import Store
from pairaid.report.build import REPORT_MARKER

runner = CliRunner()


@pytest.fixture
def db(tmp_path) -> str:
    path = tmp_path / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
    return str(path)


def _full_disk_after(nbytes: int):
    """A DataFrame.to_csv that writes `nbytes` and then fails as a full disk does."""
    def to_csv(self, path, *args, **kwargs):
        Path(path).write_bytes(b"x" * nbytes)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    return to_csv


def test_a_full_disk_during_an_export_keeps_the_previous_file(db, tmp_path, monkeypatch):
    previous = tmp_path / "flows.csv"
    assert runner.invoke(app, ["export", "flows", "-o", str(previous), "--db", db]).exit_code == 0
    good = previous.read_bytes()
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk_after(10))
    result = runner.invoke(app, ["export", "flows", "-o", str(previous), "--db", db])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0]
    assert "[Errno" not in result.output
    assert previous.read_bytes() == good
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_export_all_on_a_full_disk_leaves_every_file_whole(db, tmp_path, monkeypatch):
    folder = tmp_path / "backup"
    assert runner.invoke(app, ["export", "all", "-o", str(folder), "--db", db]).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    monkeypatch.setattr(pd.DataFrame, "to_csv", _full_disk_after(3))
    assert runner.invoke(app, ["export", "all", "-o", str(folder), "--db", db]).exit_code == 2
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_outputs_never_follow_a_symbolic_link(db, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    link = tmp_path / "flows.csv"
    link.symlink_to(victim)
    for args in (["export", "flows", "-o", str(link), "--db", db],
                 ["template", "flows", "-o", str(link)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert "symbolic link" in result.output
    assert victim.read_text("utf-8") == "keep me"


def test_the_report_refuses_a_folder_of_other_files(db, tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("the user's page", "utf-8")
    result = runner.invoke(app, ["report", "--db", db, "-o", str(folder), "--no-png"])
    assert result.exit_code == 2
    assert "holds files pairaid did not write" in " ".join(result.output.split())
    assert (folder / "index.html").read_text("utf-8") == "the user's page"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_rebuilt_folder_keeps_no_stale_file(tmp_path):
    target = tmp_path / "report"
    with staged_folder(target, REPORT_MARKER) as staging:
        (staging / "charts").mkdir()
        (staging / "charts" / "old_chart.svg").write_text("old", "utf-8")
        (staging / "index.html").write_text("first", "utf-8")
    assert (target / REPORT_MARKER).is_file()
    with staged_folder(target, REPORT_MARKER) as staging:
        (staging / "index.html").write_text("second", "utf-8")
    assert sorted(p.name for p in target.iterdir()) == [REPORT_MARKER, "index.html"]
    assert (target / "index.html").read_text("utf-8") == "second"
    with pytest.raises(RuntimeError), staged_folder(target, REPORT_MARKER) as staging:
        (staging / "index.html").write_text("half", "utf-8")
        raise RuntimeError("the build failed half-way")
    assert (target / "index.html").read_text("utf-8") == "second"  # the earlier report stays
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_force_writes_into_a_foreign_folder_without_following_links(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "notes.txt").write_text("the user's notes", "utf-8")
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("not yours", "utf-8")
    (folder / "provenance.json").symlink_to(elsewhere)
    with pytest.raises(OutputFolderError):
        with staged_folder(folder, REPORT_MARKER) as staging:
            pass
    with pytest.raises(OutputFolderError, match="provenance.json: is a symbolic link"):
        with staged_folder(folder, REPORT_MARKER, force=True) as staging:
            (staging / "index.html").write_text("page", "utf-8")
            (staging / "provenance.json").write_text("{}", "utf-8")
    assert elsewhere.read_text("utf-8") == "not yours"
    assert not (folder / "index.html").exists()  # checked before the first file moved
    (folder / "provenance.json").unlink()
    with staged_folder(folder, REPORT_MARKER, force=True) as staging:
        (staging / "provenance.json").write_text("{}", "utf-8")
    assert (folder / "provenance.json").read_text("utf-8") == "{}"
    assert (folder / "notes.txt").read_text("utf-8") == "the user's notes"
    link = tmp_path / "linked"
    link.symlink_to(folder)
    with pytest.raises(OutputFolderError, match="symbolic link"):
        with staged_folder(link, REPORT_MARKER, force=True):
            pass
