"""Accounts (issue 15): tokens shown once and stored as hashes, roles, editors held to their
region and donor, revocation; the `pairaid users` commands."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.ledger.accounts import (ROLES, Account, AccountError, add_account, authenticate,
                                     list_accounts, may_approve, may_write, revoke_account,
                                     token_hash)


def test_a_token_authenticates_its_account_and_only_its_hash_is_stored(store):
    token = add_account(store, "hotan-office", "editor", region="653201", donor="BJ")
    assert authenticate(store, token) == Account("hotan-office", "editor", "653201", "BJ")
    stored = store.query("SELECT token_hash FROM account")["token_hash"].tolist()
    assert stored == [token_hash(token)] and token not in stored
    assert authenticate(store, token + "x") is None
    assert authenticate(store, "") is None and authenticate(store, None) is None
    other = add_account(store, "office", "admin")
    assert other != token and authenticate(store, other).role == "admin"


def test_revoked_tokens_stop_working(store):
    token = add_account(store, "temp", "viewer")
    assert revoke_account(store, "temp") is True
    assert authenticate(store, token) is None
    assert revoke_account(store, "temp") is False
    listed = list_accounts(store)
    assert [(a["name"], a["role"], a["revoked_at"] is not None) for a in listed] == \
        [("temp", "viewer", True)]
    with pytest.raises(AccountError, match="no account named 'nobody'"):
        revoke_account(store, "nobody")


def test_bad_accounts_are_refused(store):
    add_account(store, "a", "viewer")
    with pytest.raises(AccountError, match="exists already"):
        add_account(store, "a", "admin")
    with pytest.raises(AccountError, match="role 'boss'"):
        add_account(store, "b", "boss")
    with pytest.raises(AccountError, match="account name"):
        add_account(store, "  ", "viewer")
    assert [a["name"] for a in list_accounts(store)] == ["a"]


def test_roles_and_an_editors_region_and_donor():
    hotan = Account("h", "editor", "653201", None)
    beijing = Account("b", "editor", None, "BJ")
    both = Account("hb", "editor", "653201", "BJ")
    flow = {"donor": "BJ", "recipient": "653201", "year": 2015}
    other_place = {"donor": "BJ", "recipient": "652901"}
    assert may_write(hotan, "flows", flow) and not may_write(hotan, "flows", other_place)
    assert may_write(beijing, "flows", other_place)
    assert not may_write(beijing, "flows", {"donor": "SH", "recipient": "653201"})
    assert may_write(both, "flow", {"donor_code": "BJ", "recipient_code": "653201"})
    assert not may_write(both, "flows", {"donor": "SH", "recipient": "653201"})
    assert may_write(hotan, "observations", {"region": "653201", "indicator": "gdp"})
    assert not may_write(hotan, "outputs", {"project": "P1"})  # names no region: not shown theirs
    assert may_write(Account("any", "editor", None, None), "outputs", {"project": "P1"})
    assert not may_write(hotan, "regions", {"code": "653201"})  # reference data: admin's
    assert not may_write(Account("v", "viewer", None, None), "flows", flow)
    assert may_write(Account("p", "approver", None, None), "flows", other_place)
    assert not may_write(Account("p", "approver", None, None), "donors", {"code": "BJ"})
    assert may_write(Account("a", "admin", None, None), "donors", {"code": "BJ"})
    assert not may_write(None, "flows", flow)
    assert may_approve(Account("p", "approver", None, None), "flows")
    assert not may_approve(hotan, "flows") and ROLES == ("viewer", "editor", "approver", "admin")


def test_users_commands(tmp_path):
    db = str(tmp_path / "ledger.db")
    runner = CliRunner()
    made = runner.invoke(app, ["users", "add", "hotan", "--role", "editor", "--region", "653201",
                               "--db", db])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    from pairaid.ledger import Store

    with Store.open(db) as store:
        assert authenticate(store, token) == Account("hotan", "editor", "653201", None)
    as_json = runner.invoke(app, ["users", "add", "boss", "--role", "admin", "--db", db,
                                  "--json"])
    assert json.loads(as_json.stdout)["token"].startswith("pairaid_")
    again = runner.invoke(app, ["users", "add", "hotan", "--role", "admin", "--db", db])
    assert again.exit_code == 2 and "exists already" in again.output
    listed = json.loads(runner.invoke(app, ["users", "list", "--db", db, "--json"]).stdout)
    assert [(a["name"], a["role"]) for a in listed["accounts"]] == [("boss", "admin"),
                                                                    ("hotan", "editor")]
    assert token not in json.dumps(listed)
    revoked = runner.invoke(app, ["users", "revoke", "hotan", "--db", db, "--json"])
    assert json.loads(revoked.stdout) == {"name": "hotan", "revoked": True}
    with Store.open(db) as store:
        assert authenticate(store, token) is None
