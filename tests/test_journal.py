"""The journal (issue 15 item 4): every write is journaled with a hash chain; `verify` catches an
edited, a deleted and a reordered entry and a ledger row changed, added or removed behind the
journal's back, on SQLite and PostgreSQL; bulk writes are one entry with a digest."""

from __future__ import annotations

import json
from contextlib import contextmanager

import pandas as pd
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from helpers import fresh_ledger, load_mini
from pairaid.cli.main import app
from pairaid.ingest import import_frames
from pairaid.ledger.approval import approve_records
from pairaid.ledger.corrections import delete_rows
from pairaid.ledger.journal import BULK_ROWS, entry_hash
from pairaid.ledger.journal_read import head, history, verify

FLOW_KEY = {"donor": "BJ", "recipient": "653201", "round": 2010, "year": 2016,
            "kind": "disbursement", "sector": "31120", "ref": "bulk-7"}


def _bulk_flows(n: int, amount: float = 1.0) -> pd.DataFrame:
    """`n` flows of one pairing and year, told apart by their reference."""
    return pd.DataFrame({"donor": "BJ", "recipient": "653201", "year": 2016,
                         "kind": "disbursement", "amount": amount, "currency": "CNY",
                         "sector": "31120", "ref": [f"bulk-{i}" for i in range(n)],
                         "round": 2010})


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def journaled(request, tmp_path_factory):
    """The mini ledger, a bulk write, an upsert, an approval and a delete: every kind of entry.
    Shared by the module: tests tamper inside a transaction they roll back (`tampered`)."""
    with fresh_ledger(request.param, tmp_path_factory.mktemp("journal")) as store:
        load_mini(store)
        import_frames(store, {"flows": _bulk_flows(BULK_ROWS + 200)}, actor="bulk-loader")
        # a bulk upsert replacing 1,100 of those rows (and adding 100): one entry whose
        # `before` carries the replaced rows' digest by the entry that had written them
        import_frames(store, {"flows": _bulk_flows(BULK_ROWS + 300, 3.0).iloc[100:]},
                      mode="upsert", actor="bulk-upserter")
        one = _bulk_flows(8).iloc[[7]].assign(amount=2.0)
        import_frames(store, {"flows": one}, mode="upsert", actor="alice", approval="draft")
        approve_records(store, "flows", [FLOW_KEY], actor="bob", comment="checked")
        delete_rows(store, "flows", ["ref=bulk-3"], actor="carol")
        yield store


@contextmanager
def tampered(store, *statements: str):
    """A connection whose transaction ran `statements` (rolled back afterwards)."""
    with store.engine.connect() as conn:
        transaction = conn.begin()
        try:
            for statement in statements:
                conn.execute(text(statement))
            yield conn
        finally:
            transaction.rollback()


def _entry(store, where: str) -> int:
    return int(store.query(f"SELECT MIN(seq) AS seq FROM journal WHERE {where}")["seq"][0])


def test_every_write_is_journaled_and_the_chain_verifies(journaled):
    result = verify(journaled)
    assert result.ok, result.problem
    entries = journaled.query("SELECT seq, actor, table_name, key, action, comment FROM journal "
                              "ORDER BY seq")
    assert result.entries == len(entries) == head(journaled).seq
    bulk = entries[entries["key"] == "*"]
    assert bulk[["actor", "table_name", "action"]].values.tolist() == \
        [["bulk-loader", "flow", "insert"], ["bulk-upserter", "flow", "update"]]
    upserted = journaled.query("SELECT before, after FROM journal WHERE actor = 'bulk-upserter'")
    before, after = (json.loads(upserted[c][0]) for c in ("before", "after"))
    assert before["rows"] == 1100 and after["rows"] == 1200
    assert list(before["by_seq"]) == [str(_entry(journaled, "actor = 'bulk-loader'"))]
    tail = entries.tail(3)[["actor", "action", "comment"]].values.tolist()
    assert tail == [["alice", "update", None], ["bob", "approve", "checked"],
                        ["carol", "delete", None]]
    assert result.rows == sum(journaled.counts()[t] for t in journaled.counts() if t != "meta")


def test_history_of_a_record_carries_the_bulk_write_its_update_and_approval(journaled):
    key = {"pairing_id": int(journaled.query(
        "SELECT id FROM pairing WHERE donor_code = 'BJ' AND round = 2010")["id"][0]),
        "year": 2016, "kind": "disbursement", "sector": "31120", "ref": "bulk-7"}
    entries = history(journaled, "flows", key)
    assert [(e["action"], e["actor"], e["bulk"]) for e in entries] == [
        ("insert", "bulk-loader", True), ("update", "alice", False), ("approve", "bob", False)]
    update = entries[1]
    assert update["before"]["amount"] == 1.0 and update["after"]["amount"] == 2.0
    assert update["after"]["approval"] == "draft"
    assert entries[2]["after"]["approval"] == "approved" and entries[2]["comment"] == "checked"
    assert entries[0]["after"]["rows"] == BULK_ROWS + 200


def test_a_record_two_bulk_writes_carried_lists_both(journaled):
    """bulk-150 was written by the bulk import and replaced by the bulk upsert: its history
    lists both writes, not only the last."""
    key = {"pairing_id": int(journaled.query(
        "SELECT id FROM pairing WHERE donor_code = 'BJ' AND round = 2010")["id"][0]),
        "year": 2016, "kind": "disbursement", "sector": "31120", "ref": "bulk-150"}
    entries = history(journaled, "flows", key)
    assert [(e["action"], e["actor"], e["bulk"]) for e in entries] == [
        ("insert", "bulk-loader", True), ("update", "bulk-upserter", True)]
    assert entries[1]["before"]["rows"] == 1100


def test_cli_journal_show_lists_entries_with_filters_and_a_limit(journaled):
    from pairaid.ledger.journal_read import entries as journal_entries

    db = str(journaled.engine.url.database) if journaled.backend == "sqlite" else \
        journaled.engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    newest = json.loads(runner.invoke(app, ["journal", "show", "--db", db, "--json",
                                            "--limit", "3"]).stdout)["entries"]
    assert [(e["actor"], e["action"]) for e in newest] == [
        ("carol", "delete"), ("bob", "approve"), ("alice", "update")]
    assert newest[0]["seq"] == head(journaled).seq
    bulk = json.loads(runner.invoke(app, ["journal", "show", "flows", "--action", "update",
                                          "--db", db, "--json"]).stdout)["entries"]
    assert [(e["actor"], e["bulk"]) for e in bulk] == [("alice", False),
                                                        ("bulk-upserter", True)]
    by_alice = runner.invoke(app, ["journal", "show", "--actor", "alice", "--db", db])
    assert by_alice.exit_code == 0, by_alice.output
    assert by_alice.stdout.count("alice: update flows") == 1
    regions = journal_entries(journaled, "regions", limit=1000)
    assert len(regions) == 7 and {e["table"] for e in regions} == {"regions"}
    at = newest[1]["at"]
    assert [e["actor"] for e in journal_entries(journaled, since=at)] == ["carol", "bob"]
    assert "bob" not in [e["actor"] for e in journal_entries(journaled, until=at, limit=5)]
    refused = runner.invoke(app, ["journal", "show", "--action", "edit", "--db", db])
    assert refused.exit_code == 2 and "one of insert" in refused.output


# Each tampering and the entry `verify` must name (a SQL expression over the journal).
TAMPERING = {
    "edited entry": (["UPDATE journal SET actor = 'mallory' WHERE seq = 5"], "seq = 5"),
    "edited before/after": (["UPDATE journal SET after = REPLACE(after, '2.0', '3.0') WHERE "
                             "actor = 'alice'"], "actor = 'alice'"),
    "deleted entry": (["DELETE FROM journal WHERE seq = 7"], "seq = 7"),
    "deleted last entries": (["DELETE FROM journal WHERE actor = 'carol'"], "actor = 'carol'"),
    "reordered entries": (["UPDATE journal SET seq = -1 WHERE seq = 3",
                           "UPDATE journal SET seq = 3 WHERE seq = 4",
                           "UPDATE journal SET seq = 4 WHERE seq = -1"], "seq = 3"),
    "row changed behind the journal": (
        ["UPDATE region SET name_en = 'Hotan' WHERE code = '653201'"],
        "table_name = 'region' AND key LIKE '%653201%'"),
    "draft approved behind the journal": (
        ["UPDATE flow SET approval = 'approved', amount = 5 WHERE ref = 'bulk-7'"],
        "action = 'approve'"),
    "row of a bulk write changed": (["UPDATE flow SET amount = 9 WHERE ref = 'bulk-11'"],
                                    "key = '*'"),
    "row of a bulk write deleted": (["DELETE FROM flow WHERE ref = 'bulk-12'"], "key = '*'"),
    "row of a bulk upsert changed": (["UPDATE flow SET amount = 4 WHERE ref = 'bulk-500'"],
                                     "actor = 'bulk-upserter'"),
    "bulk upsert's before edited": (["UPDATE journal SET before = REPLACE(before, "
                                     "'\"rows\"\\:1100', '\"rows\"\\:1000') "
                                     "WHERE actor = 'bulk-upserter'"],
                                    "actor = 'bulk-upserter'"),
    "row deleted behind the journal": (["DELETE FROM project_output WHERE indicator = 'beds'"],
                                       "table_name = 'project_output' AND key LIKE '%beds%'"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verify_names_the_first_bad_entry(journaled, case):
    statements, bad = TAMPERING[case]
    expected = _entry(journaled, bad)
    with tampered(journaled, *statements) as conn:
        result = verify(journaled, conn=conn)
    assert not result.ok
    assert result.bad_seq == expected, result.problem
    assert verify(journaled).ok  # rolled back


def test_a_row_added_behind_the_journal_is_named(journaled):
    with tampered(journaled, "INSERT INTO donor (code, name_zh, name_en, kind) VALUES "
                             "('GD', '广东省', 'Guangdong', 'province')") as conn:
        result = verify(journaled, conn=conn)
    assert not result.ok and "donors row" in result.problem and "GD" in result.problem


def test_a_rewritten_chain_passes_alone_but_not_against_a_kept_anchor(journaled):
    kept = head(journaled)
    with tampered(journaled) as conn:
        # mallory edits entry 5 and recomputes every later hash and the head: the chain alone
        # is consistent again; the anchor an outside party kept is not
        entries = [r._asdict() for r in conn.execute(text(
            "SELECT seq, actor, at, table_name, key, action, before, after, comment, prev_hash, "
            "hash FROM journal WHERE seq >= 5 ORDER BY seq"))]
        previous = entries[0]["prev_hash"]
        entries[0]["actor"] = "mallory"
        for entry in entries:
            entry["prev_hash"], entry["hash"] = previous, entry_hash(previous, entry)
            previous = entry["hash"]
            conn.execute(text("UPDATE journal SET actor = :actor, prev_hash = :prev_hash, "
                              "hash = :hash WHERE seq = :seq"), entry)
        conn.execute(text("UPDATE journal_head SET hash = :h"), {"h": previous})
        assert verify(journaled, conn=conn).ok
        result = verify(journaled, anchor=str(kept), conn=conn)
    assert not result.ok and result.bad_seq == kept.seq
    assert "anchor" in result.problem


def test_unchanged_rows_of_an_upsert_are_not_journaled_and_a_failed_import_writes_none(store):
    load_mini(store)
    before = head(store).seq
    import_frames(store, {"donors": pd.DataFrame({"code": ["BJ"], "name_zh": ["北京市"],
                                                  "name_en": ["Beijing"],
                                                  "kind": ["municipality"]})}, mode="upsert")
    assert head(store).seq == before
    with pytest.raises(Exception):
        import_frames(store, {"donors": pd.DataFrame({"code": ["BJ"], "name_zh": ["x"],
                                                      "name_en": ["y"], "kind": ["planet"]})},
                      mode="upsert")
    assert head(store).seq == before and verify(store).ok


def test_cli_verify_exit_codes_show_and_head(tmp_path):
    db = str(tmp_path / "ledger.db")
    from pairaid.ledger import Store

    with Store.open(db) as store:
        load_mini(store)
    runner = CliRunner()
    ok = runner.invoke(app, ["journal", "verify", "--db", db, "--json"])
    assert ok.exit_code == 0, ok.output
    document = json.loads(ok.stdout)
    assert document["ok"] and document["bad_entry"] is None
    kept = tmp_path / "anchor.json"
    anchor = json.loads(runner.invoke(app, ["journal", "head", "--db", db, "--json", "-o",
                                            str(kept)]).stdout)
    assert anchor["anchor"] == f"{anchor['seq']}:{anchor['hash']}" == document["head"]["anchor"]
    assert json.loads(kept.read_text("utf-8"))["anchor"] == anchor["anchor"]
    assert runner.invoke(app, ["journal", "verify", "--db", db, "--anchor",
                               anchor["anchor"]]).exit_code == 0
    shown = runner.invoke(app, ["journal", "show", "regions", "653201", "--db", db, "--json"])
    assert json.loads(shown.stdout)["entries"][0]["after"]["name_en"] == "Hotan City"
    flow = runner.invoke(app, ["journal", "show", "flows", "donor=BJ", "recipient=653201",
                               "round=2010", "year=2015", "kind=disbursement", "sector=31120",
                               "--db", db])
    assert flow.exit_code == 0 and "insert" in flow.stdout, flow.output
    with Store.open(db) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE journal SET action = 'update' WHERE seq = 2"))
    broken = runner.invoke(app, ["journal", "verify", "--db", db])
    assert broken.exit_code == 1
    assert "journal broken at entry 2: edited after it was written" in broken.stdout
    bad_key = runner.invoke(app, ["journal", "show", "flows", "year", "2015", "--db", db])
    assert bad_key.exit_code == 2 and "COLUMN=VALUE" in bad_key.output


def test_rows_from_before_the_journal_are_adopted_by_the_first_journaled_write(sqlite_store):
    store = sqlite_store
    load_mini(store)
    with store.engine.begin() as conn:  # a ledger filled before the journal existed
        for table in ("region", "region_crosswalk", "donor", "pairing", "project",
                      "project_output", "flow", "personnel", "enterprise", "indicator",
                      "observation", "rate", "price_index", "coverage"):
            conn.execute(text(f"UPDATE {table} SET journal_seq = NULL"))
        conn.execute(text("DELETE FROM journal"))
        conn.execute(text("UPDATE journal_head SET seq = 0, hash = :g"), {"g": "0" * 64})
    waiting = verify(store)
    assert waiting.ok and any("before the journal began" in n for n in waiting.notes)
    import_frames(store, {"donors": pd.DataFrame({"code": ["GD"], "name_zh": ["广东省"],
                                                  "name_en": ["Guangdong"],
                                                  "kind": ["province"]})}, actor="first")
    adopted = store.query("SELECT actor, key, comment FROM journal WHERE actor = 'pairaid'")
    assert len(adopted) == 14 and set(adopted["key"]) == {"*"}
    assert verify(store).ok
    with tampered(store, "UPDATE flow SET amount = amount + 1 WHERE id = 1") as conn:
        result = verify(store, conn=conn)
    assert not result.ok and result.bad_seq == _entry(store, "table_name = 'flow'")


def test_a_bulk_insert_is_digested_from_the_rows_bound_as_sqlite_stores_them(sqlite_store,
                                                                            monkeypatch):
    """SQLite's append path digests the rows it bound instead of reading them back; the digest
    must be the one `verify` recomputes from the stored rows (-0.0 is stored as 0.0, a whole
    amount comes back a float)."""
    from pairaid.ledger import journal

    store = sqlite_store
    load_mini(store)
    read_back: list[str] = []
    real = journal.raw_rows
    monkeypatch.setattr(journal, "raw_rows", lambda conn, sql, *a: (
        read_back.append(sql), real(conn, sql, *a))[1])
    flows = _bulk_flows(BULK_ROWS + 50)
    flows["amount"] = ([-0.0, 5.0, 1e-300, 123456789.125] * len(flows))[:len(flows)]
    import_frames(store, {"flows": flows}, actor="bulk-loader")
    assert not [sql for sql in read_back if "WHERE journal_seq" in sql]
    entry = store.query("SELECT after FROM journal WHERE actor = 'bulk-loader'")
    assert json.loads(entry["after"][0])["rows"] == BULK_ROWS + 50
    assert verify(store).ok
    # the same states as reading them back gives
    stored = journal.raw_rows(store.engine.connect(), "SELECT pairing_id, year, kind, amount, "
                              "currency, sector, project_code, source, ref, approval FROM flow "
                              "WHERE journal_seq IS NOT NULL ORDER BY ref")
    assert journal.state_columns("flow") == ("pairing_id", "year", "kind", "amount", "currency",
                                             "sector", "project_code", "source", "ref",
                                             "approval")
    columns = ["pairing_id", "year", "kind", "amount", "currency", "sector", "project_code",
               "source", "ref"]
    bound = [(*row[:3], -0.0 if row[3] == 0 else int(row[3]) if row[3] == 5 else row[3],
              *row[4:9]) for row in stored]
    assert sorted(journal.states_as_stored("flow", columns, bound, {"approval": "approved"}),
                  key=repr) == sorted(stored, key=repr)
    assert journal.states_as_stored("flow", columns[:-1], [r[:-1] for r in bound],
                                    {"approval": "approved"}) is None  # ref left to its default
