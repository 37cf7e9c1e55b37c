"""Approval over the web (issue 15 items 3-5): records written through the API or a form are
drafts the analytics do not count; an approver approves them (then they count) or returns them
with a comment; editors and anonymous callers cannot decide; every step is in the record's
history (API and page). On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from helpers import fresh_ledger, load_mini
from pairaid.ledger.accounts import add_account
from pairaid.web import Settings, create_app

NEW_FLOW = {"donor": "BJ", "recipient": "653201", "year": 2016, "kind": "commitment",
            "amount": 7_000_000, "currency": "CNY", "sector": "31120", "ref": "API-1"}
#: the natural key, with the round: Beijing and Hotan City have two (1997 and 2010)
KEY = {**{k: NEW_FLOW[k] for k in ("donor", "recipient", "year", "kind", "sector", "ref")},
       "round": 2010}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request, tmp_path):
    with fresh_ledger(request.param, tmp_path) as store:
        load_mini(store)
        tokens = {role: add_account(store, f"a-{role}", role)
                  for role in ("viewer", "editor", "approver")}
        url = str(store.engine.url.database) if store.backend == "sqlite" else \
            store.engine.url.render_as_string(hide_password=False)
        app = create_app(Settings(db=url))
        yield TestClient(app, base_url="https://testserver"), tokens, app


def _as(tokens, role: str) -> dict:
    return {"Authorization": f"Bearer {tokens[role]}"}


def _committed(client) -> float:
    summary = client.get("/api/summary").json()
    return next(f["value"] for f in summary["figures"] if f["key"] == "funds_committed")


def test_a_draft_counts_only_once_approved(served):
    client, tokens, _app = served
    before = _committed(client)
    created = client.post("/api/tables/flows", json=NEW_FLOW, headers=_as(tokens, "editor"))
    assert created.status_code == 201, created.text
    assert _committed(client) == pytest.approx(before)  # a draft: invisible to analytics
    listed = client.get("/api/tables/flows", params={"ref": "API-1"}).json()
    assert listed["total"] == 0  # nor in the public list
    assert client.get("/api/tables/flows", params={"ref": "API-1", "drafts": True}
                      ).status_code == 401
    assert client.get("/api/tables/flows", params={"ref": "API-1", "drafts": True},
                      headers=_as(tokens, "viewer")).status_code == 403
    drafts = client.get("/api/tables/flows", params={"ref": "API-1", "drafts": True},
                        headers=_as(tokens, "editor")).json()
    assert drafts["total"] == 1
    queue = client.get("/api/approvals/flows", headers=_as(tokens, "editor")).json()
    assert [r["ref"] for r in queue["rows"]] == ["API-1"]
    assert queue["rows"][0]["approval"] == "draft"
    assert queue["rows"][0]["updated_by"] == "a-editor"

    refused = client.post("/api/approvals/flows/approve", json={"keys": [KEY]},
                          headers=_as(tokens, "editor"))
    assert refused.status_code == 403
    done = client.post("/api/approvals/flows/approve",
                       json={"keys": [KEY], "comment": "checked against the aid report"},
                       headers=_as(tokens, "approver"))
    assert done.status_code == 200, done.text
    assert done.json()["records"] == 1 and done.json()["action"] == "approve"
    assert _committed(client) == pytest.approx(before + 7_000_000)
    assert client.get("/api/approvals/flows", headers=_as(tokens, "editor")).json()["total"] == 0

    assert client.get("/api/tables/flows/history", params=KEY).status_code == 401
    assert client.get("/api/tables/flows/history", params=KEY,
                      headers=_as(tokens, "viewer")).status_code == 403
    history = client.get("/api/tables/flows/history", params=KEY,
                         headers=_as(tokens, "editor")).json()
    assert [(e["action"], e["actor"]) for e in history] == [("insert", "a-editor"),
                                                            ("approve", "a-approver")]
    assert history[1]["comment"] == "checked against the aid report"
    assert history[0]["after"]["amount"] == 7_000_000


def test_a_return_needs_a_comment_and_leaves_the_record_out(served):
    client, tokens, _app = served
    before = _committed(client)
    client.post("/api/tables/flows", json=NEW_FLOW, headers=_as(tokens, "editor"))
    silent = client.post("/api/approvals/flows/return", json={"keys": [KEY]},
                         headers=_as(tokens, "approver"))
    assert silent.status_code == 422
    returned = client.post("/api/approvals/flows/return",
                           json={"keys": [KEY], "comment": "wrong sector"},
                           headers=_as(tokens, "approver"))
    assert returned.status_code == 200 and returned.json()["action"] == "return"
    queue = client.get("/api/approvals/flows", headers=_as(tokens, "editor")).json()
    assert [r["approval"] for r in queue["rows"]] == ["returned"]
    assert _committed(client) == pytest.approx(before)
    # a record that is not there: the ledger's message, nothing changed
    missing = client.post("/api/approvals/flows/approve",
                          json={"keys": [{**KEY, "ref": "NOPE"}]},
                          headers=_as(tokens, "approver"))
    assert missing.status_code == 404 and "no record" in missing.json()["detail"]


@pytest.mark.parametrize("path", ["/api/approvals/flows/approve", "/api/approvals/flows/return"])
def test_deciding_needs_an_approver_token(served, path):
    client, tokens, _app = served
    body = {"keys": [KEY], "comment": "x"}
    assert client.post(path, json=body).status_code == 401
    assert client.post(path, json=body,
                       headers={"Authorization": "Bearer pairaid_wrong"}).status_code == 401
    for role in ("viewer", "editor"):
        assert client.post(path, json=body, headers=_as(tokens, role)).status_code == 403
    assert client.get("/api/approvals/flows").status_code == 401
    assert client.get("/api/approvals/flows", headers=_as(tokens, "viewer")).status_code == 403


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _login(app, token: str) -> TestClient:
    browser = TestClient(app, base_url="https://testserver")
    csrf = _csrf(browser.get("/login").text)
    assert browser.post("/login", data={"token": token, "csrf_token": csrf},
                        follow_redirects=False).status_code == 303
    return browser


def test_the_queue_page_approves_a_form_draft_and_the_history_page_shows_it(served):
    client, tokens, app = served
    editor = _login(app, tokens["editor"])
    csrf = _csrf(editor.get("/enter/flows").text)
    form = {k: str(v) for k, v in NEW_FLOW.items()}
    assert editor.post("/enter/flows", data={**form, "csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    assert editor.get("/approvals", follow_redirects=False).status_code == 303  # not an approver

    approver = _login(app, tokens["approver"])
    queue = approver.get("/approvals")
    assert queue.status_code == 200 and 'data-ref="API-1"' in queue.text
    hidden = dict(re.findall(r'name="key\.(\w+)" value="([^"]*)"', queue.text))
    assert hidden["ref"] == "API-1" and hidden["donor"] == "BJ"
    fields = {f"key.{k}": v for k, v in hidden.items()}
    forged = approver.post("/approvals/flows", data={**fields, "action": "approve",
                                                     "csrf_token": "forged"})
    assert forged.status_code == 403
    before = _committed(client)
    done = approver.post("/approvals/flows", data={**fields, "action": "approve",
                                                   "comment": "ok",
                                                   "csrf_token": _csrf(queue.text)},
                         follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/approvals?done=approve"
    assert 'id="queue-empty"' in approver.get("/approvals").text
    assert _committed(client) == pytest.approx(before + 7_000_000)

    assert client.get("/history/flows", params=KEY, follow_redirects=False).status_code == 303
    viewer = _login(app, tokens["viewer"])
    assert viewer.get("/history/flows", params=KEY).status_code == 403
    history = approver.get("/history/flows", params=KEY)
    assert history.status_code == 200
    assert re.findall(r'data-action="(\w+)"', history.text) == ["insert", "approve"]
    assert "a-editor" in history.text and "a-approver" in history.text
    assert approver.get("/history/flows", params={"donor": "BJ"}).status_code == 404


def test_an_editor_reads_changes_and_deletes_their_own_draft_by_its_key(served):
    """The single-record routes find a draft for whoever may write it (an editor within their
    region, approvers); others are told there is no such row."""
    client, tokens, app = served
    store_url = app.state.ledger_source.url
    from pairaid.ledger import Store

    with Store.open(store_url, create=False) as store:
        hotan = add_account(store, "hotan-office", "editor", region="653201")
        other = add_account(store, "kashgar-office", "editor", region="653101")
    mine = {"Authorization": f"Bearer {hotan}"}
    created = client.post("/api/tables/flows", json=NEW_FLOW, headers=mine)
    assert created.status_code == 201, created.text
    assert client.get("/api/tables/flows/record", params=KEY, headers=mine).json()["amount"] \
        == 7_000_000
    assert client.get("/api/tables/flows/record", params=KEY).status_code == 404
    for outsider in ({"Authorization": f"Bearer {other}"}, _as(tokens, "viewer")):
        assert client.get("/api/tables/flows/record", params=KEY,
                          headers=outsider).status_code == 404
        assert client.delete("/api/tables/flows/record", params=KEY,
                             headers=outsider).status_code in (403, 404)
    assert client.get("/api/tables/flows/record", params=KEY,
                      headers=_as(tokens, "approver")).status_code == 200
    changed = client.put("/api/tables/flows/record", params=KEY, headers=mine,
                         json={**NEW_FLOW, "amount": 8_000_000})
    assert changed.status_code == 200, changed.text
    assert changed.json()["updated"] == 1
    assert client.get("/api/tables/flows/record", params=KEY, headers=mine).json()["amount"] \
        == 8_000_000
    queue = client.get("/api/approvals/flows", headers=mine).json()["rows"]
    assert [(r["ref"], r["approval"]) for r in queue] == [("API-1", "draft")]
    gone = client.delete("/api/tables/flows/record", params=KEY, headers=mine)
    assert gone.status_code == 200, gone.text
    assert gone.json()["deleted"] == 1
    assert client.get("/api/tables/flows/record", params=KEY, headers=mine).status_code == 404
    assert client.get("/api/approvals/flows", headers=mine).json()["total"] == 0
    # its history: the editor's own region, approvers; not an editor elsewhere, nor a viewer
    assert [e["action"] for e in client.get("/api/tables/flows/history", params=KEY,
                                            headers=mine).json()] == ["insert", "update",
                                                                      "delete"]
    assert client.get("/api/tables/flows/history", params=KEY,
                      headers={"Authorization": f"Bearer {other}"}).status_code == 403
    # lists and the queue: a draft is shown to the editors of its region, approvers, admins
    client.post("/api/tables/flows", json=NEW_FLOW, headers=mine)
    for who, seen in ((mine, 1), ({"Authorization": f"Bearer {other}"}, 0),
                      (_as(tokens, "editor"), 1), (_as(tokens, "approver"), 1)):
        listed = client.get("/api/tables/flows", params={"ref": "API-1", "drafts": True},
                            headers=who).json()
        assert listed["total"] == seen
        assert client.get("/api/approvals/flows", headers=who).json()["total"] == seen
    head = client.get("/api/journal/head").json()  # the anchor stays public
    assert head["anchor"] == f"{head['seq']}:{head['hash']}" and head["seq"] > 0


def test_every_page_of_a_synthetic_ledger_carries_the_banner(tmp_path):
    """Forms, the queue, a history and the login page say the data are synthetic too (not only
    the report's views); a real ledger's pages do not."""
    from markupsafe import escape

    from pairaid.report.text import word

    with fresh_ledger("sqlite", tmp_path) as store:
        load_mini(store)
        approver = add_account(store, "checker", "approver")
        url = str(store.engine.url.database)
        plain = TestClient(create_app(Settings(db=url)), base_url="https://testserver")
        assert 'id="synthetic-banner"' not in plain.get("/login").text
        store.set_meta(synthetic="true")
    app = create_app(Settings(db=url))
    browser = _login(app, approver)
    for lang in ("en", "zh"):
        banner = str(escape(word("synthetic_banner", lang)))
        for path in ("/login", "/enter/flows", "/enter/observations", "/approvals",
                     "/history/regions?code=653201"):
            html = browser.get(path, params={"lang": lang}).text
            assert 'id="synthetic-banner"' in html and banner in html, (path, lang)


def test_ledger_refusals_are_404_409_or_422_naming_table_key_column_and_reason(served, tmp_path):
    """A LedgerError is a 503 only when the ledger cannot answer; a record that is not there is
    404, a state that refuses the request 409, a malformed key 422, each naming where and why."""
    client, tokens, _app = served
    client.post("/api/tables/flows", json=NEW_FLOW, headers=_as(tokens, "editor"))
    approve = {"keys": [KEY], "comment": "ok"}
    assert client.post("/api/approvals/flows/approve", json=approve,
                       headers=_as(tokens, "approver")).status_code == 200
    again = client.post("/api/approvals/flows/approve", json=approve,
                        headers=_as(tokens, "approver"))
    assert again.status_code == 409, again.text
    body = again.json()
    assert "approved already" in body["detail"]
    assert (body["table"], body["column"], body["reason"]) == ("flows", "approval",
                                                               "approved already")
    assert body["key"]["ref"] == "API-1" and body["key"]["year"] == 2016
    nobody = client.post("/api/approvals/flows/approve",
                         json={"keys": [{**KEY, "recipient": "999999"}]},
                         headers=_as(tokens, "approver"))
    assert nobody.status_code == 404 and nobody.json()["table"] == "pairings"
    keyless = client.post("/api/approvals/flows/approve",
                          json={"keys": [{k: v for k, v in KEY.items() if k != "year"}]},
                          headers=_as(tokens, "approver"))
    assert keyless.status_code == 422 and keyless.json()["column"] == "year"
    history = client.get("/api/tables/flows/history", params={**KEY, "recipient": "999999"},
                         headers=_as(tokens, "approver"))
    assert history.status_code == 404 and "not in the ledger" in history.json()["detail"]
    with fresh_ledger("sqlite", tmp_path / "empty") as empty:
        url = str(empty.engine.url.database)
    nothing = TestClient(create_app(Settings(db=url))).get("/api/summary")
    assert nothing.status_code == 404, nothing.text
    assert "no flows or observations" in nothing.json()["detail"]
