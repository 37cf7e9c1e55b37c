"""Who may write through the REST API (issue 15, "tests show 401/403 on every write route, an
editor cannot write outside their region"), on SQLite and PostgreSQL.

The write routes are found by walking the app's routes (every POST, PUT, PATCH or DELETE under
/api), so a route added later is covered without editing this file: each one answers 401
without a token or with an unknown one, and 403 to a viewer, and writes nothing when it refuses
(every ledger table's row count, the journal's head and the ledger's fingerprint unchanged).
An editor limited to a region or a donor is refused (403, nothing written) a record outside it
and writes one inside it.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from helpers import fresh_ledger, load_mini, mini_ledger_frames
from pairaid.ledger import Store, schema
from pairaid.ledger.accounts import add_account
from pairaid.web import Settings, create_app

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
#: the app has 14 tables x (create, update, delete, import) + approve + return = 58 write routes
#: today; fewer than this means the walk lost some (an empty walk must fail, not pass)
MIN_WRITE_ROUTES = 50
#: what a route's {table} path parameter is filled with (the approval routes' record table)
PATH_TABLE = "flows"


def _routes(app):
    """Every route of `app`, those of included routers too (FastAPI keeps an included router
    whole in `app.routes`: `iter_route_contexts` opens it, each route with its full path)."""
    from fastapi.routing import iter_route_contexts

    return list(iter_route_contexts(app.routes))


def _write_routes(app) -> list[tuple[str, str]]:
    """(method, path) of every write route under /api, sorted."""
    found = set()
    for route in _routes(app):
        path = route.path or ""
        if path == "/api" or path.startswith("/api/"):
            found |= {(m, path) for m in (getattr(route, "methods", None) or ()) if
                      m in WRITE_METHODS}
    return sorted(found, key=lambda mp: (mp[1], mp[0]))


def _walk() -> list[tuple[str, str]]:
    """The write routes of an app built here, at collection, on an empty ledger."""
    with tempfile.TemporaryDirectory(prefix="pairaid-routes-") as folder:
        path = Path(folder) / "ledger.db"
        Store.open(path).close()
        return _write_routes(create_app(Settings(db=str(path))))


WRITE_ROUTES = _walk()


def test_the_walk_finds_every_write_route():
    assert len(WRITE_ROUTES) >= MIN_WRITE_ROUTES, WRITE_ROUTES
    methods = {m for m, _ in WRITE_ROUTES}
    assert {"POST", "PUT", "DELETE"} <= methods
    paths = {p for _, p in WRITE_ROUTES}
    assert {"/api/tables/flows", "/api/tables/flows/record", "/api/tables/flows/import",
            "/api/approvals/{table}/approve", "/api/approvals/{table}/return"} <= paths


# -- the ledger, its accounts, the app ---------------------------------------------------------

@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request, tmp_path_factory):
    """(client, store, tokens) over the mini ledger on each backend, with a viewer, an editor of
    Hotan City (653201), an editor of Shanghai's records (SH) and an admin. Module-wide: each
    test that writes counts before and after itself."""
    with fresh_ledger(request.param, tmp_path_factory.mktemp("web_auth")) as store:
        load_mini(store)
        tokens = {"viewer": add_account(store, "reader", "viewer"),
                  "hotan": add_account(store, "hotan-editor", "editor", region="653201"),
                  "shanghai": add_account(store, "sh-editor", "editor", donor="SH"),
                  "admin": add_account(store, "office-admin", "admin")}
        url = str(store.engine.url.database) if store.backend == "sqlite" else \
            store.engine.url.render_as_string(hide_password=False)
        # the walk sends ~60 unknown tokens: the guessing bound is not what is tested here
        app = create_app(Settings(db=url, token_failures_per_minute=100_000))
        yield TestClient(app), store, tokens


def _as(tokens: dict, who: str) -> dict:
    return {"Authorization": f"Bearer {tokens[who]}"}


def _state(store: Store) -> tuple:
    """Every table's row count (drafts, journal and accounts included), the journal's head and
    the ledger's fingerprint (content, drafts included): what a write would move."""
    from pairaid.ledger.fingerprint import ledger_fingerprint
    from pairaid.ledger.journal_read import head

    with store.engine.connect() as conn:
        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in schema.metadata.sorted_tables}
    chain = head(store)
    return counts, chain.seq, chain.hash, ledger_fingerprint(store)


# -- a request of each route's shape ------------------------------------------------------------

def _first_row(table: str) -> dict:
    """The first row of the mini ledger's `table`, JSON-ready (missing cells left out)."""
    frame = mini_ledger_frames()[table]
    row = json.loads(frame.head(1).to_json(orient="records"))[0]
    return {k: v for k, v in row.items() if v is not None}


def _request(app, method: str, path: str) -> dict:
    """Keyword arguments for `client.request` that an admin's request to this route would look
    like: the mini ledger's first row of the route's table as the body, its key as the query,
    its CSV as an import's file; an approval names that row with a comment."""
    route = next(r for r in _routes(app) if r.path == path and method in (r.methods or ()))
    named = re.match(r"/api/tables/(\w+)", path)
    table = named.group(1) if named else PATH_TABLE
    params = set(re.findall(r"{(\w+)}", path))
    assert params <= {"table"}, f"{method} {path}: fill its path parameters {params} here"
    url = path.replace("{table}", PATH_TABLE)
    row = _first_row(table)
    query = {p.alias: row[p.alias] for p in route.dependant.query_params if p.alias in row}
    kwargs: dict = {"params": query}
    from fastapi.params import File

    body = route.body_field
    if any(isinstance(f.field_info, File) for f in route.dependant.body_params):
        csv = mini_ledger_frames()[table].head(1).to_csv(index=False).encode()
        kwargs["files"] = {"file": (f"{table}.csv", io.BytesIO(csv), "text/csv")}
    elif path.startswith("/api/approvals/"):
        kwargs["json"] = {"keys": [row], "comment": "checked against the donor's report"}
    elif body is not None:
        kwargs["json"] = row
    return kwargs


@pytest.mark.parametrize("method,path", WRITE_ROUTES, ids=[f"{m} {p}" for m, p in WRITE_ROUTES])
def test_every_write_route_refuses_no_token_and_a_viewer(served, method, path):
    client, store, tokens = served
    request = _request(client.app, method, path)
    before = _state(store)
    anonymous = client.request(method, path.replace("{table}", PATH_TABLE), **request)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["www-authenticate"] == "Bearer"
    unknown = client.request(method, path.replace("{table}", PATH_TABLE), **request,
                             headers={"Authorization": "Bearer pairaid_not-a-token"})
    assert unknown.status_code == 401, unknown.text
    viewer = client.request(method, path.replace("{table}", PATH_TABLE), **request,
                            headers=_as(tokens, "viewer"))
    assert viewer.status_code == 403, viewer.text
    assert "reader is a viewer" in viewer.json()["detail"]
    assert _state(store) == before


def test_the_walks_requests_are_writes_an_admin_may_make(served):
    """The control: the same shape of request, from an admin, writes (so the refusals above are
    the tokens', not the requests')."""
    client, store, tokens = served
    before = _state(store)
    request = _request(client.app, "POST", "/api/tables/flows/import")
    request["data"] = {"mode": "upsert"}
    response = client.post("/api/tables/flows/import", **request, headers=_as(tokens, "admin"))
    assert response.status_code == 200, response.text
    response = client.request("DELETE", "/api/tables/outputs/record", **_request(
        client.app, "DELETE", "/api/tables/outputs/record"), headers=_as(tokens, "admin"))
    assert response.status_code == 200 and response.json()["deleted"] == 1, response.text
    after = _state(store)
    assert after[0]["project_output"] == before[0]["project_output"] - 1
    assert after[1] > before[1]  # journaled


# -- an editor's region and donor ---------------------------------------------------------------

def _flow(**changes) -> dict:
    row = dict(donor="BJ", recipient="653201", year=2016, kind="disbursement", amount=4321,
               currency="CNY", sector="31120", ref="AUTH-1", round=2010)
    return {**row, **changes}


FLOW_KEY = ("donor", "recipient", "year", "kind", "sector", "ref", "round")


def _key(row: dict) -> dict:
    return {c: row[c] for c in FLOW_KEY}


def _flows(store: Store) -> pd.DataFrame:
    return store.read_table("flows", drafts=True)


def _approve(client, tokens, row: dict) -> None:
    approved = client.post("/api/approvals/flows/approve", json={"keys": [_key(row)]},
                           headers=_as(tokens, "admin"))
    assert approved.status_code == 200 and approved.json()["records"] == 1, approved.text


@pytest.mark.parametrize("who,outside,inside", [
    ("hotan", _flow(donor="SH", recipient="652901", ref="AUTH-H-OUT"), _flow(ref="AUTH-H-IN")),
    ("shanghai", _flow(ref="AUTH-S-OUT"),
     _flow(donor="SH", recipient="652901", currency="USD", sector="12220", ref="AUTH-S-IN")),
], ids=["region", "donor"])
def test_an_editor_writes_inside_their_scope_only(served, who, outside, inside):
    client, store, tokens = served
    editor = _as(tokens, who)
    before = _state(store)
    refused = client.post("/api/tables/flows", json=outside, headers=editor)
    assert refused.status_code == 403, refused.text
    assert "nothing was written" in refused.json()["detail"]
    assert _state(store) == before

    created = client.post("/api/tables/flows", json=inside, headers=editor)
    assert created.status_code == 201, created.text
    flows = _flows(store)
    assert len(flows) == before[0]["flow"] + 1
    assert (flows["ref"] == inside["ref"]).sum() == 1
    # a draft until approved (the API's PUT and DELETE find approved records only)
    _approve(client, tokens, inside)
    changed = client.put("/api/tables/flows/record", params=_key(inside),
                         json={**inside, "amount": 5000}, headers=editor)
    assert changed.status_code == 200, changed.text
    flows = _flows(store)
    assert flows.loc[flows["ref"] == inside["ref"], "amount"].tolist() == [5000]
    _approve(client, tokens, inside)
    deleted = client.delete("/api/tables/flows/record", params=_key(inside), headers=editor)
    assert deleted.status_code == 200 and deleted.json()["deleted"] == 1, deleted.text
    assert len(_flows(store)) == before[0]["flow"]


@pytest.mark.parametrize("who", ["hotan", "shanghai"])
def test_an_editor_cannot_change_or_delete_a_record_outside_their_scope(served, who):
    client, store, tokens = served
    editor = _as(tokens, who)
    # a record of the other scope: Shanghai's Aksu flow for Hotan's editor, Beijing's Hotan
    # flow for Shanghai's
    theirs = _flows(store)
    theirs = theirs[(theirs["donor"] == ("SH" if who == "hotan" else "BJ"))
                    & theirs["ref"].notna()].iloc[0]
    key = {c: (int(theirs[c]) if c == "year" else str(theirs[c])) for c in FLOW_KEY}
    before = _state(store)
    changed = client.put("/api/tables/flows/record", params=key, json={**key, "amount": 1},
                         headers=editor)
    assert changed.status_code == 403, changed.text
    deleted = client.delete("/api/tables/flows/record", params=key, headers=editor)
    assert deleted.status_code == 403, deleted.text
    assert _state(store) == before


@pytest.mark.parametrize("table,row", [
    ("regions", {"code": "653222", "name_zh": "墨玉县", "name_en": "Moyu County",
                 "level": "county", "parent_code": "653200", "valid_from": 1983}),
    ("donors", {"code": "TJ", "name_zh": "天津市", "name_en": "Tianjin",
                "kind": "municipality"}),
])
def test_an_editor_of_a_region_cannot_write_the_reference_tables(served, table, row):
    """Regions, donors and the other reference tables are no one region's: an editor limited
    to one writes none of them (an admin does)."""
    client, store, tokens = served
    before = _state(store)
    refused = client.post(f"/api/tables/{table}", json=row, headers=_as(tokens, "hotan"))
    assert refused.status_code == 403, refused.text
    assert _state(store) == before


def test_an_import_with_one_row_outside_the_scope_writes_none(served):
    client, store, tokens = served
    rows = pd.DataFrame([_flow(ref="AUTH-FILE-1"),
                         _flow(donor="SH", recipient="652901", ref="AUTH-FILE-2")])
    before = _state(store)
    refused = client.post("/api/tables/flows/import", headers=_as(tokens, "hotan"),
                          files={"file": ("flows.csv", rows.to_csv(index=False).encode(),
                                          "text/csv")})
    assert refused.status_code == 403, refused.text
    assert _state(store) == before
    allowed = client.post("/api/tables/flows/import", headers=_as(tokens, "hotan"),
                          files={"file": ("flows.csv", rows.head(1).to_csv(index=False).encode(),
                                          "text/csv")})
    assert allowed.status_code == 200 and allowed.json()["new"] == 1, allowed.text
    assert len(_flows(store)) == before[0]["flow"] + 1


def test_an_editor_cannot_approve_or_return(served):
    client, store, tokens = served
    before = _state(store)
    for action, body in (("approve", {"all_drafts": True}),
                         ("return", {"keys": [_key(_flow(ref="AUTH-FILE-1"))],
                                     "comment": "no"})):
        refused = client.post(f"/api/approvals/flows/{action}", json=body,
                              headers=_as(tokens, "hotan"))
        assert refused.status_code == 403, refused.text
    assert _state(store) == before
