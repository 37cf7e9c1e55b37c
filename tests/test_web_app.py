"""The web service's frame (issue 15): the app starts on a ledger, answers /api/health, publishes
its OpenAPI schema, and every response carries the secure headers; bodies over the limit are
refused before they are read; no cross-origin access unless configured."""

from __future__ import annotations

import contextlib
import time
import types

import pytest
from fastapi.testclient import TestClient

from helpers import load_mini
from pairaid.errors import InputError
from pairaid.ledger import Store
from pairaid.web import Settings, create_app
from pairaid.web.security import SECURE_HEADERS


@pytest.fixture
def ledger_path(tmp_path):
    path = tmp_path / "ledger.db"
    with Store.open(path) as store:
        load_mini(store)
    return path


def test_health_names_the_ledger_it_serves(ledger_path):
    client = TestClient(create_app(Settings(db=str(ledger_path))))
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["backend"] == "sqlite"
    assert body["schema_revision"] == Store.open(ledger_path, create=False).schema_revision()
    assert body["synthetic"] is False
    for name, value in SECURE_HEADERS.items():
        assert response.headers[name] == value


def test_openapi_schema_is_served_under_api(ledger_path):
    client = TestClient(create_app(Settings(db=str(ledger_path))))
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "pairaid"
    assert "/api/health" in schema["paths"]


def test_a_missing_ledger_is_refused_at_start(tmp_path):
    with pytest.raises(InputError, match="no ledger at"):
        create_app(Settings(db=str(tmp_path / "absent.db")))
    assert not (tmp_path / "absent.db").exists()


def test_a_body_over_the_limit_is_refused_with_413(ledger_path):
    client = TestClient(create_app(Settings(db=str(ledger_path), max_body_bytes=100)))
    response = client.post("/api/health", content=b"x" * 101)
    assert response.status_code == 413
    assert "larger than 100 bytes" in response.json()["detail"]


def test_no_cross_origin_access_by_default(ledger_path):
    client = TestClient(create_app(Settings(db=str(ledger_path))))
    response = client.get("/api/health", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers
    allowed = TestClient(create_app(Settings(db=str(ledger_path),
                                             cors_origins=("https://office.example",))))
    response = allowed.get("/api/health", headers={"Origin": "https://office.example"})
    assert response.headers["access-control-allow-origin"] == "https://office.example"


def test_settings_come_from_the_environment(monkeypatch, ledger_path):
    monkeypatch.setenv("PAIRAID_DB", str(ledger_path))
    monkeypatch.setenv("PAIRAID_WEB_PUBLIC_READS", "0")
    monkeypatch.setenv("PAIRAID_WEB_CORS_ORIGINS", "https://a.example, https://b.example")
    settings = Settings.from_env()
    assert settings.db == str(ledger_path) and settings.public_reads is False
    assert settings.cors_origins == ("https://a.example", "https://b.example")


def test_pairaid_serve_json_announces_where_it_listens_and_answers_there(ledger_path):
    """A real uvicorn process: the first stdout line is the --json document, and its health URL
    answers with the ledger it was given."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "pairaid", "serve", "--db", str(ledger_path),
                               "--port", str(port), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        announced = json.loads(server.stdout.readline())
        assert announced["health"] == f"http://127.0.0.1:{port}/api/health"
        assert announced["workers"] == 1 and announced["public_reads"] is True
        for _ in range(100):  # uvicorn binds shortly after the announcement
            try:
                with urllib.request.urlopen(announced["health"], timeout=2) as response:
                    body = json.load(response)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"no answer at {announced['health']}: {server.stderr.read()}")
        assert body["status"] == "ok" and body["backend"] == "sqlite"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _lifespan_freezes(app, monkeypatch) -> int:
    """How many times `gc.freeze` ran while `app` started and warmed (the dashboard's warm-up
    replaced by a no-op: the point is what follows it)."""
    import gc
    import time

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(gc, "collect", lambda *_: 0)
    monkeypatch.setattr(app.state.dashboard, "warm", lambda: None)
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
        deadline = time.monotonic() + 10
        while len(frozen) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    return len(frozen)


def test_a_server_process_freezes_its_start_up_heap(ledger_path, monkeypatch):
    """`pairaid serve`'s app (uvicorn's factory) freezes the heap as it starts and again after
    the dashboard's warm-up (a full collection over it stalled a worker for up to 1.4 s); an
    app made by `create_app`, as the tests make many in one process, never does."""
    from pairaid.web.app import app_from_env

    monkeypatch.setenv("PAIRAID_DB", str(ledger_path))
    assert _lifespan_freezes(app_from_env(), monkeypatch) == 2
    assert _lifespan_freezes(create_app(Settings(db=str(ledger_path))), monkeypatch) == 0


class _CountingSource:
    """A ledger source whose change marker and state the test sets, counting state reads."""

    url = None

    def __init__(self, marker: str, value: str) -> None:
        self.marker, self.value, self.reads = marker, value, 0

    def change_marker(self) -> str:
        return self.marker

    @contextlib.contextmanager
    def reader(self):
        yield types.SimpleNamespace(store=None)

    def state(self, store) -> str:
        self.reads += 1
        return self.value


def test_the_dashboard_keeps_its_state_while_a_server_marker_is_rechecked():
    from pairaid.web.dashboard import DashboardCache

    source = _CountingSource("pg:7:meta|0", "A")
    cache = DashboardCache(source)
    assert (cache.state(), source.reads) == ("A", 1)
    assert (cache.state(), source.reads) == ("A", 1)  # same marker: no read
    # only the re-check clock turned: the known state answers at once, re-read behind it
    source.marker, source.value = "pg:7:meta|1", "B"
    assert cache.state() == "A"
    deadline = time.monotonic() + 10
    while cache.state() != "B" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (cache.state(), source.reads) == ("B", 2)
    # the journal moved: read now, not in the background
    source.marker, source.value = "pg:8:meta|1", "C"
    assert (cache.state(), source.reads) == ("C", 3)
    # a SQLite marker (no clock part) that moved: read now
    source.marker, source.value = "sqlite:(1, 2)", "D"
    assert (cache.state(), source.reads) == ("D", 4)
    cache.changed()  # a write through the app: the next request reads again
    assert (cache.state(), source.reads) == ("D", 5)
