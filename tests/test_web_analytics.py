"""Analytics over HTTP (issue 15): every endpoint returns exactly the document its CLI command
prints with --json on the same ledger, and documents are kept by the ledger's fingerprint
until the ledger changes (through the API or behind its back)."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from helpers import load_mini
from pairaid.cli.main import app as cli
from pairaid.ingest import import_frames
from pairaid.jsonable import plain
from pairaid.ledger import Store
from pairaid.web import Settings, create_app

runner = CliRunner()

#: (endpoint, its parameters, the CLI command that prints the same document)
CASES = [
    ("summary", {"from": 2012}, ["summary", "--from", "2012"]),
    ("panel", {"level": "prefecture", "from": 2015, "to": 2016},
     ["panel", "--level", "prefecture", "--from", "2015", "--to", "2016"]),
    ("index", {"level": "prefecture"}, ["index", "build", "sustainable_agriculture", "--level",
                                        "prefecture"]),
    ("estimate", {"outcome": "sai_latent", "cluster": "donor"},
     ["estimate", "--outcome", "sai_latent", "--cluster", "donor"]),
    ("event-study", {"outcome": "sai_latent", "log": "drop", "estimator": "twfe"},
     ["event-study", "--outcome", "sai_latent", "--log", "drop", "--estimator",
      "twfe"]),
    ("event-study", {"outcome": "sai_latent", "log": "drop", "estimator": "twfe",
                     "honest": True, "honest_target": "average"},
     ["event-study", "--outcome", "sai_latent", "--log", "drop", "--estimator", "twfe",
      "--honest", "--honest-target", "average"]),
    ("synth", {"outcome": "sai_latent", "treated": "652300", "level": "prefecture"},
     ["synth", "--outcome", "sai_latent", "--treated", "652300", "--level", "prefecture"]),
    ("dose-response", {"outcome": "sai_latent", "log": "drop"},
     ["dose-response", "--outcome", "sai_latent", "--log", "drop"]),
    ("equity", {"year": 2020}, ["equity", "--year", "2020"]),
    ("dependence", {"taper": 0.2, "elasticity": 0.5, "elasticity_se": 0.1},
     ["dependence", "--taper", "0.2", "--elasticity", "0.5", "--elasticity-se", "0.1"]),
    ("environment", {"from": 2012, "to": 2022}, ["environment", "--from", "2012", "--to", "2022"]),
    ("audit", {}, ["audit"]),
    ("plan/commitments", {"rule": "xinjiang_2010", "year": 2020},
     ["plan", "commitments", "--rule", "xinjiang_2010", "--year", "2020"]),
    ("plan/compliance", {"rule": "xinjiang_2010", "from": 2015, "to": 2018},
     ["plan", "compliance", "--rule", "xinjiang_2010", "--from", "2015", "--to", "2018"]),
]


@pytest.fixture(scope="module")
def demo_client(report_demo_db):
    return TestClient(create_app(Settings(db=str(report_demo_db))))


@pytest.mark.parametrize("endpoint, params, command", CASES,
                         ids=[c[0] + ("-honest" if "honest" in c[1] else "") for c in CASES])
def test_each_endpoint_returns_the_clis_json_document(demo_client, report_demo_db, endpoint,
                                                      params, command):
    response = demo_client.get(f"/api/{endpoint}", params=params)
    assert response.status_code == 200, response.text
    run = runner.invoke(cli, [*command, "--db", str(report_demo_db), "--json"])
    assert run.exit_code == 0, run.output
    # the CLI may print NaN (Python's json); the service writes strict JSON, NaN as null
    assert response.json() == plain(json.loads(run.stdout))


def test_a_bad_analysis_request_is_the_clis_message_as_422(demo_client):
    response = demo_client.get("/api/dependence", params={"taper": 0.2})
    assert response.status_code == 422
    assert response.json()["detail"] == "--taper needs --elasticity (and --elasticity-se)"
    response = demo_client.get("/api/index", params={"spec": "no_such_spec"})
    assert response.status_code == 422 and "unknown index spec" in response.json()["detail"]


def test_documents_are_kept_until_the_ledger_changes(tmp_path):
    path = tmp_path / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
    app = create_app(Settings(db=str(path)))
    client = TestClient(app)
    cache = app.state.analytics
    first = client.get("/api/summary").json()
    assert (cache.hits, cache.misses) == (0, 1)
    assert client.get("/api/summary").json() == first
    assert (cache.hits, cache.misses) == (1, 1)
    # a write behind the service's back (another process: the CLI) moves the change marker
    with Store.open(path, create=False) as store:
        import_frames(store, {"flows": pd.DataFrame([{
            "donor": "BJ", "recipient": "653201", "year": 2016, "kind": "disbursement",
            "amount": 1_000_000.0, "currency": "CNY", "sector": "31120"}])})
    after = client.get("/api/summary").json()
    assert cache.misses == 2
    disbursed = {f["key"]: f["value"] for f in after["figures"]}["funds_disbursed"]
    assert disbursed == pytest.approx(
        {f["key"]: f["value"] for f in first["figures"]}["funds_disbursed"] + 1_000_000.0)


def test_a_periodic_recheck_serves_the_kept_document_while_it_runs():
    """When only the re-check clock of a server marker turns (journal head and metadata as they
    were), requests get the kept document at once; the fingerprint is recomputed once, in the
    background, and a change it finds (made behind the journal's back) is served after it."""
    import contextlib
    import threading

    from pairaid.web.cache import AnalyticsCache

    class Source:
        marker = "pg:7:meta|1"
        state_value = "fingerprint-a@7"
        release = threading.Event()
        states = 0

        def change_marker(self):
            return self.marker

        def reader(self):
            return contextlib.nullcontext(type("Ledger", (), {"store": None})())

        def state(self, _store):
            Source.states += 1
            if self.marker.endswith("|2"):
                assert self.release.wait(10)
            return self.state_value

    source, cache = Source(), AnalyticsCache()
    assert cache.get(source, "summary", {}, lambda _l: b"A") == b"A"
    source.marker, source.state_value = "pg:7:meta|2", "fingerprint-b@7"
    for _ in range(5):  # the re-check is blocked: every request answers from the kept state
        assert cache.get(source, "summary", {}, lambda _l: b"B") == b"A"
    source.release.set()
    for _ in range(100):
        if cache.get(source, "summary", {}, lambda _l: b"B") == b"B":
            break
        time.sleep(0.05)
    assert cache.get(source, "summary", {}, lambda _l: b"C") == b"B"
    assert Source.states == 2  # once per marker
    source.marker, source.state_value = "pg:8:meta|2", "fingerprint-c@8"  # a journaled write
    assert cache.get(source, "summary", {}, lambda _l: b"D") == b"D"
