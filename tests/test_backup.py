"""Issue 13, backup and restore: every table and the metadata, equal fingerprints on SQLite and
PostgreSQL, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import load_mini, pg_schema, postgres_url
from pairaid.backup import BackupError, backup, restore
from pairaid.cli.main import app
from pairaid.ledger import Store, queries
from pairaid.ledger.fingerprint import ledger_fingerprint

runner = CliRunner()
META = {"synthetic": "true", "published_figures": json.dumps([{"figure": "funds", "value": "2e11"}]),
        "planted_anomalies": json.dumps({"exact_duplicates": [{"donor": "BJ", "year": 2015}]})}


def _new_ledger_url(backend: str, tmp_path: Path, stack) -> str:
    if backend == "sqlite":
        return str(tmp_path / "restored.db")
    return stack.enter_context(pg_schema(postgres_url()))


@pytest.mark.parametrize("target_backend", ["sqlite", pytest.param("postgresql",
                                                                   marks=pytest.mark.postgres)])
@pytest.mark.parametrize("form", ["folder", "zip"])
def test_backup_then_restore_gives_an_equal_fingerprint(store, target_backend, form, tmp_path):
    from contextlib import ExitStack

    load_mini(store)
    store.set_meta(**META)
    _coverage_and_a_reversal(store)
    fingerprint = ledger_fingerprint(store)
    meta = store.meta()
    made = backup(store, tmp_path / ("backup" if form == "folder" else "backup.zip"))
    assert made.ledger_sha256 == fingerprint and made.synthetic
    assert made.rows["flows"] == 4
    with ExitStack() as stack:
        url = _new_ledger_url(target_backend, tmp_path, stack)
        restored = restore(made.path, url)
        assert restored.ledger_sha256 == fingerprint
        with Store.open(url, create=False) as again:
            assert ledger_fingerprint(again) == fingerprint
            assert again.meta() == meta
            assert again.is_synthetic()
            assert again.counts() == store.counts()
            assert queries.coverage(again).drop(columns="pairing_id").equals(
                queries.coverage(store).drop(columns="pairing_id"))
            assert again.read_table("flows")["amount"].min() == -100.0


def _coverage_and_a_reversal(store) -> None:
    """Declared coverage (pairings named by id in the ledger) and a negative flow, as an IATI
    reversal is stored: a backup must carry both."""
    from sqlalchemy import text

    pairings = store.pairings().sort_values("id")
    spans = pd.DataFrame({"pairing_id": pairings["id"].iloc[:2], "year_from": [2000, 2010],
                          "year_to": [2005, 2015]})
    assert queries.declare_coverage(store, spans, source="office letter") == 2
    with store.transaction() as conn:
        conn.execute(text("UPDATE flow SET amount = -100.0 WHERE ref = 'TX-2'"))


def test_coverage_changes_the_fingerprint(store):
    load_mini(store)
    before = ledger_fingerprint(store)
    _coverage_and_a_reversal(store)
    assert ledger_fingerprint(store) != before


def test_a_restored_demo_keeps_its_synthetic_label(report_demo_db, tmp_path):
    archive = tmp_path / "demo.zip"
    made = runner.invoke(app, ["backup", "--db", str(report_demo_db), "-o", str(archive)])
    assert made.exit_code == 0, made.output
    assert "SYNTHETIC" in made.output
    restored = tmp_path / "restored.db"
    result = runner.invoke(app, ["restore", str(archive), "--db", str(restored)])
    assert result.exit_code == 0, result.output
    assert "matches the backup" in " ".join(result.output.split())  # rich wraps long paths
    with Store.open(report_demo_db, create=False) as demo, \
            Store.open(restored, create=False) as copy:
        assert ledger_fingerprint(copy) == ledger_fingerprint(demo)
        assert copy.meta() == demo.meta()
        assert copy.is_synthetic()
    info = runner.invoke(app, ["info", "--db", str(restored)])
    assert "SYNTHETIC DEMO DATA" in info.output


@pytest.fixture
def folder_backup(tmp_path) -> Path:
    with Store.open(tmp_path / "source.db") as source:
        load_mini(source)
        source.set_meta(**META)
        backup(source, tmp_path / "backup")
    return tmp_path / "backup"


def test_a_changed_backup_is_refused_and_nothing_is_restored(folder_backup, tmp_path):
    flows = folder_backup / "flows.csv"
    flows.write_text(flows.read_text("utf-8-sig").replace("35000000.0", "36000000.0"), "utf-8")
    target = tmp_path / "restored.db"
    with pytest.raises(BackupError, match="do not match the backup's fingerprint"):
        restore(folder_backup, str(target))
    assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if "restore" in p.name]  # no partial ledger left


def test_a_bad_cell_or_changed_metadata_restores_nothing(folder_backup, tmp_path):
    meta = folder_backup / "meta.json"
    original = meta.read_text("utf-8")
    meta.write_text(original.replace('"true"', '"false"'), "utf-8")
    result = runner.invoke(app, ["restore", str(folder_backup), "--db", str(tmp_path / "a.db")])
    assert result.exit_code == 2 and "meta.json does not match" in result.output
    meta.write_text(original, "utf-8")
    donors = folder_backup / "donors.csv"
    donors.write_text(donors.read_text("utf-8-sig").replace("municipality", "kingdom", 1), "utf-8")
    result = runner.invoke(app, ["restore", str(folder_backup), "--db", str(tmp_path / "b.db")])
    assert result.exit_code == 2 and "'kingdom' is not one of" in result.output
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".restore")]


@pytest.mark.postgres
def test_restore_into_postgresql_is_all_or_nothing(folder_backup, pg_schema_url):
    flows = folder_backup / "flows.csv"
    flows.write_text(flows.read_text("utf-8-sig").replace("35000000.0", "36000000.0"), "utf-8")
    with pytest.raises(BackupError, match="fingerprint"):
        restore(folder_backup, pg_schema_url)
    with Store.open(pg_schema_url, create=False) as empty:
        assert not any(empty.counts().values())


def test_restore_refuses_an_existing_ledger(folder_backup, tmp_path):
    existing = tmp_path / "source.db"
    before = ledger_fingerprint(Store.open(existing))
    result = runner.invoke(app, ["restore", str(folder_backup), "--db", str(existing)])
    assert result.exit_code == 2 and "already exists" in result.output
    with Store.open(existing) as store:
        assert ledger_fingerprint(store) == before


def test_backup_refuses_a_folder_of_other_files(folder_backup, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"years of work")
    result = runner.invoke(app, ["backup", "--db", str(tmp_path / "source.db"), "-o", str(mine)])
    assert result.exit_code == 2
    assert (mine / "thesis.docx").read_bytes() == b"years of work"
    # a folder an earlier backup made is replaced whole
    again = runner.invoke(app, ["backup", "--db", str(tmp_path / "source.db"), "-o",
                                str(folder_backup)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize("target_backend", ["sqlite", pytest.param("postgresql",
                                                                   marks=pytest.mark.postgres)])
def test_drafts_and_returned_records_restore_as_they_were(store, target_backend, tmp_path):
    """A backup restores records awaiting approval as drafts (returned ones as returned, with
    their authors), never as approved; the fingerprint tells a draft from an approved record."""
    from contextlib import ExitStack

    from pairaid.ledger.accounts import Account
    from pairaid.ingest import import_frames
    from pairaid.ledger.approval import pending, return_records
    from pairaid.ledger.journal_read import verify

    load_mini(store)
    approved_only = ledger_fingerprint(store)
    editor = Account("hotan-office", "editor", "653201", None)
    new = [{"donor": "BJ", "recipient": "653201", "year": 2015, "kind": "disbursement",
            "sector": "31120", "ref": f"draft-{i}", "round": 2010, "amount": 1e6 * (i + 1),
            "currency": "CNY"} for i in range(2)]
    import_frames(store, {"flows": pd.DataFrame(new)}, actor=editor)
    with_drafts = ledger_fingerprint(store)
    assert with_drafts != approved_only
    return_records(store, "flows", [{k: new[1][k] for k in ("donor", "recipient", "year", "kind",
                                                            "sector", "ref", "round")}],
                   actor="approver", comment="which unit?")
    assert ledger_fingerprint(store) not in (with_drafts, approved_only)
    fingerprint = ledger_fingerprint(store)
    queue = pending(store, "flows")
    made = backup(store, tmp_path / "backup")
    assert made.ledger_sha256 == fingerprint
    with ExitStack() as stack:
        url = _new_ledger_url(target_backend, tmp_path, stack)
        assert restore(made.path, url).ledger_sha256 == fingerprint
        with Store.open(url, create=False) as again:
            assert ledger_fingerprint(again) == fingerprint
            restored = pending(again, "flows")
            assert restored[["ref", "approval", "updated_by", "updated_at"]].values.tolist() == \
                queue[["ref", "approval", "updated_by", "updated_at"]].values.tolist() == [
                    ["draft-0", "draft", "hotan-office", queue["updated_at"][0]],
                    ["draft-1", "returned", "approver", queue["updated_at"][1]]]
            assert "draft-0" not in set(again.read_table("flows")["ref"])  # analytics: approved
            assert len(again.read_table("flows")) == len(store.read_table("flows"))
            assert verify(again).ok
