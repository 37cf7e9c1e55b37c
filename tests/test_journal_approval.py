"""Approval (issue 15 item 3): drafts are invisible to analytics until approved, on SQLite and
PostgreSQL; returning needs a comment; the CLI imports as approved only for an admin (or on a
ledger without accounts) and says so in the journal."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import load_mini
from pairaid import api
from pairaid.cli.main import app
from pairaid.ingest import import_frames
from pairaid.ledger import Store
from pairaid.ledger.accounts import Account, AccountError, add_account, local_writer
from pairaid.ledger.approval import ApprovalError, approve_records, pending, return_records
from pairaid.ledger.journal_read import history, verify
from pairaid.panel import build_panel

NEW = {"donor": "BJ", "recipient": "653201", "year": 2015, "kind": "disbursement",
       "sector": "31120", "ref": "draft-1", "round": 2010}


def _draft_flow(store: Store, amount: float = 1e9) -> None:
    editor = Account("hotan-office", "editor", "653201", None)
    import_frames(store, {"flows": pd.DataFrame([{**NEW, "amount": amount, "currency": "CNY"}])},
                  actor=editor)  # an account writes drafts unless told otherwise


def _funds(store: Store) -> float:
    panel = build_panel(store, "county")
    return float(panel.frame["funds_disbursed"].sum()) if "funds_disbursed" in panel.frame \
        else float(panel.frame.filter(like="funds").sum().sum())


def test_drafts_are_invisible_to_analytics_until_approved(store):
    load_mini(store)
    summary_before, funds_before = api.Ledger(store).summary().to_dict(), _funds(store)
    _draft_flow(store)
    assert pending(store, "flows")[["ref", "approval", "updated_by"]].values.tolist() == \
        [["draft-1", "draft", "hotan-office"]]
    assert api.Ledger(store).summary().to_dict() == summary_before
    assert _funds(store) == funds_before
    assert "draft-1" not in set(store.read_table("flows")["ref"])
    assert "draft-1" in set(store.read_table("flows", drafts=True)["ref"])  # exports see it
    store.include_drafts = True  # what pairaid.open(include_drafts=True) and --include-drafts do
    try:
        assert _funds(store) > funds_before
    finally:
        store.include_drafts = False
    with pytest.raises(ApprovalError, match="needs a comment"):
        return_records(store, "flows", [NEW], actor="approver", comment=" ")
    returned = return_records(store, "flows", [NEW], actor="approver", comment="in 万元?")
    assert returned.records == 1 and _funds(store) == funds_before
    approved = approve_records(store, "flows", [NEW], actor="approver", comment="confirmed")
    assert approved.records == approved.entries == 1
    assert _funds(store) > funds_before and pending(store, "flows").empty
    assert api.Ledger(store).summary().to_dict() != summary_before
    actions = [(e["action"], e["actor"], e["comment"]) for e in history(
        store, "flows", {**_ledger_key(store), "ref": "draft-1"})]
    assert actions == [("insert", "hotan-office", None), ("return", "approver", "in 万元?"),
                       ("approve", "approver", "confirmed")]
    with pytest.raises(ApprovalError, match="approved already"):
        approve_records(store, "flows", [NEW], actor="approver")
    assert verify(store).ok


def _ledger_key(store: Store) -> dict:
    pairing = int(store.query("SELECT id FROM pairing WHERE donor_code = 'BJ' AND round = 2010")
                  ["id"][0])
    return {"pairing_id": pairing, "year": 2015, "kind": "disbursement", "sector": "31120"}


def test_approving_every_draft_and_bad_requests(sqlite_store):
    store = sqlite_store
    load_mini(store)
    _draft_flow(store)
    import_frames(store, {"observations": pd.DataFrame([{
        "region": "653201", "year": 2015, "indicator": "population", "value": 1.0,
        "source": "form"}])}, mode="upsert", actor="clerk", approval="draft")
    with pytest.raises(ApprovalError, match="no record"):
        approve_records(store, "flows", [{**NEW, "ref": "nope"}], actor="a")
    with pytest.raises(ApprovalError, match="reference data"):
        approve_records(store, "regions", all_drafts=True, actor="a")
    assert approve_records(store, "flows", all_drafts=True, actor="a").records == 1
    assert approve_records(store, "observations", all_drafts=True, actor="a").records == 1
    assert approve_records(store, "flows", all_drafts=True, actor="a").records == 0
    assert verify(store).ok


def test_who_the_cli_writes_as(sqlite_store):
    store = sqlite_store
    alone = local_writer(store)
    assert alone.approval == "approved" and alone.actor.startswith("local:")
    admin = add_account(store, "boss", "admin")
    editor = add_account(store, "ed", "editor")
    viewer = add_account(store, "vi", "viewer")
    assert local_writer(store).approval == "draft"  # a shared ledger: no token, drafts
    assert local_writer(store, admin).approval == "approved"
    assert "imported as approved by admin boss" in local_writer(store, admin).note
    assert (local_writer(store, editor).actor, local_writer(store, editor).approval) == \
        ("ed", "draft")
    with pytest.raises(AccountError, match="viewer"):
        local_writer(store, viewer)
    with pytest.raises(AccountError, match="not a live account"):
        local_writer(store, "pairaid_nonsense")


def test_cli_import_approve_and_return(tmp_path):
    db = str(tmp_path / "ledger.db")
    with Store.open(db) as store:
        load_mini(store)
        admin, editor = add_account(store, "boss", "admin"), add_account(store, "ed", "editor")
    sheet = tmp_path / "flows.csv"
    sheet.write_text("donor,recipient,year,kind,amount,currency,sector,ref,round\n"
                     "BJ,653201,2015,disbursement,7,CNY,31120,cli-1,2010\n", "utf-8")
    runner = CliRunner()
    drafted = runner.invoke(app, ["import", "flows", str(sheet), "--db", db, "--token", editor,
                                  "--json"])
    assert drafted.exit_code == 0, drafted.output
    assert json.loads(drafted.stdout)["approval"] == "draft"
    info = json.loads(runner.invoke(app, ["info", "--db", db, "--json"]).stdout)
    assert info["awaiting_approval"]["flows"] == 1 and info["journal"]["seq"] > 0
    key = ["donor=BJ", "recipient=653201", "round=2010", "year=2015", "kind=disbursement",
           "sector=31120", "ref=cli-1"]
    refused = runner.invoke(app, ["approve", "flows", *key, "--db", db, "--token", editor])
    assert refused.exit_code == 2 and "approver or an admin" in refused.output
    summary = ["summary", "--db", db, "--json"]
    plain, drafts = (json.loads(runner.invoke(app, summary + extra).stdout)
                     for extra in ([], ["--include-drafts"]))
    assert plain != drafts
    returned = runner.invoke(app, ["return", "flows", *key, "--db", db, "--token", admin,
                                   "--comment", "check the sector"])
    assert returned.exit_code == 0 and "returned 1 record" in returned.stdout
    approved = runner.invoke(app, ["approve", "flows", "--all-drafts", "--db", db, "--token",
                                   admin, "--json"])
    assert json.loads(approved.stdout)["records"] == 1
    assert json.loads(runner.invoke(app, summary).stdout) == drafts
    sheet.write_text("donor,recipient,year,kind,amount,currency,sector,ref,round\n"
                     "BJ,653201,2015,disbursement,8,CNY,31120,cli-2,2010\n", "utf-8")
    by_admin = runner.invoke(app, ["import", "flows", str(sheet), "--db", db, "--token", admin])
    assert "journal: imported as approved by admin boss" in by_admin.stdout
    shown = json.loads(runner.invoke(app, ["journal", "show", "flows", *key[:-1], "ref=cli-2",
                                           "--db", db, "--json"]).stdout)
    assert shown["entries"][0]["comment"] == "imported as approved by admin boss (pairaid CLI)"
    assert runner.invoke(app, ["journal", "verify", "--db", db]).exit_code == 0


@pytest.mark.parametrize("rows", [1, 1_200])  # one entry per row; one bulk entry
def test_an_upsert_that_changes_nothing_touches_nothing(store, rows):
    """Re-importing records as they are leaves their approval, who/when and the journal as
    they were; changing one of them journals that one only."""
    from pairaid.ledger.journal_read import head

    load_mini(store)
    flows = pd.DataFrame({"donor": "BJ", "recipient": "653201", "year": 2016,
                          "kind": "disbursement", "amount": 5.0, "currency": "CNY",
                          "sector": "31120", "ref": [f"same-{i}" for i in range(rows)],
                          "round": 2010})
    import_frames(store, {"flows": flows}, actor="first-loader")
    audit = "SELECT ref, approval, created_by, created_at, updated_by, updated_at, " \
            "journal_seq FROM flow WHERE ref LIKE 'same-%' ORDER BY ref"
    before, chain = store.query(audit), head(store)
    editor = Account("hotan-office", "editor", "653201", None)
    import_frames(store, {"flows": flows}, mode="upsert", actor=editor)  # drafts, were it new
    import_frames(store, {"flows": flows}, mode="upsert", actor="admin", approval="approved")
    assert store.query(audit).equals(before)
    assert head(store) == chain
    changed = flows.iloc[[0]].assign(amount=6.0)
    import_frames(store, {"flows": pd.concat([changed, flows.iloc[1:]])}, mode="upsert",
                  actor=editor)
    after = store.query(audit)
    assert after.iloc[0][["approval", "updated_by", "created_by"]].tolist() == \
        ["draft", "hotan-office", "first-loader"]
    assert after.iloc[1:].equals(before.iloc[1:])
    assert head(store).seq == chain.seq + 1
    assert verify(store).ok
