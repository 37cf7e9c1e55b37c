"""The REST API's tables (issue 15): list with filters, sorting and pages; get by natural key;
downloads as `pairaid export` writes them; and, with accounts, create, update, delete and
import through the importer's validation (same messages, nothing written on error), on SQLite
and PostgreSQL."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from helpers import fresh_ledger, load_mini
from pairaid.ingest.tables import TABLE_ORDER, TABLES
from pairaid.web import Settings, create_app



@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def served(request, tmp_path):
    """(client, store) over the mini ledger on each backend."""
    with fresh_ledger(request.param, tmp_path) as store:
        load_mini(store)
        url = str(store.engine.url.database) if store.backend == "sqlite" else \
            store.engine.url.render_as_string(hide_password=False)
        yield TestClient(create_app(Settings(db=url))), store


def test_a_list_filters_sorts_and_pages_with_a_total(served):
    client, store = served
    page = client.get("/api/tables/flows", params={"donor": "SH", "sort": "-amount",
                                                   "limit": 1}).json()
    assert page["total"] == 2 and page["limit"] == 1 and page["offset"] == 0
    assert [r["ref"] for r in page["rows"]] == ["TX-1"]  # 2,500,000.25 before 100
    second = client.get("/api/tables/flows", params={"donor": "SH", "sort": "-amount",
                                                     "limit": 1, "offset": 1}).json()
    assert [r["amount"] for r in second["rows"]] == [100.0]
    everything = client.get("/api/tables/regions", params={"limit": 1000}).json()
    assert everything["total"] == len(store.read_table("regions")) == 7
    assert client.get("/api/tables/flows", params={"year": 2015}).json()["total"] == 1
    missing = client.get("/api/tables/regions", params={"valid_to": ""}).json()
    assert missing["total"] == 6  # empty matches a missing cell: Wensu has 2099
    refused = client.get("/api/tables/flows", params={"sort": "colour"})
    assert refused.status_code == 422 and "no column 'colour'" in refused.json()["detail"]


def test_a_row_is_found_by_its_natural_key(served):
    client, _ = served
    row = client.get("/api/tables/flows/record", params={
        "donor": "SH", "recipient": "652901", "year": 2016, "kind": "disbursement",
        "sector": "12220", "ref": "TX-2"}).json()
    assert row["amount"] == 100.0 and row["currency"] == "USD"
    region = client.get("/api/tables/regions/record", params={"code": "653201"}).json()
    assert region["name_zh"] == "和田市"
    absent = client.get("/api/tables/regions/record", params={"code": "999999"})
    assert absent.status_code == 404 and "code=999999" in absent.json()["detail"]
    assert client.get("/api/tables/regions/record").status_code == 422  # the key is required


def test_two_overlapping_rounds_need_round_to_name_one_row(served):
    client, _ = served
    both = client.get("/api/tables/pairings/record", params={
        "donor": "SH", "recipient": "652901", "round": 2018})
    assert both.status_code == 200 and both.json()["start_year"] == 2018


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_downloads_are_what_pairaid_export_writes(served, fmt, tmp_path):
    from pairaid.ingest.export import write_frame

    client, store = served
    response = client.get("/api/tables/flows/download", params={"format": fmt})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="flows.{fmt}"'
    expected = write_frame(store.read_table("flows"), tmp_path / f"flows.{fmt}", sheet="flows")
    if fmt == "xlsx":  # a workbook carries its write time: compare the cells
        got = pd.read_excel(io.BytesIO(response.content))
        pd.testing.assert_frame_equal(got, pd.read_excel(expected))
    else:
        assert response.content == expected.read_bytes()
    if fmt == "json":
        assert len(json.loads(response.content)["rows"]) == 4


def test_reads_can_require_a_token(tmp_path):
    path = tmp_path / "ledger.db"
    from pairaid.ledger import Store

    with Store.open(path) as store:
        load_mini(store)
    client = TestClient(create_app(Settings(db=str(path), public_reads=False)))
    response = client.get("/api/tables/regions")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/summary").status_code == 401


def test_the_openapi_schema_names_every_tables_routes_and_columns(served):
    client, _ = served
    schema = client.get("/api/openapi.json").json()
    for name in TABLE_ORDER:
        assert {"get", "post"} <= set(schema["paths"][f"/api/tables/{name}"])
        assert {"get", "put", "delete"} <= set(schema["paths"][f"/api/tables/{name}/record"])
        assert f"/api/tables/{name}/import" in schema["paths"]
        assert f"/api/tables/{name}/download" in schema["paths"]
        filters = {p["name"] for p in schema["paths"][f"/api/tables/{name}"]["get"]["parameters"]}
        assert set(TABLES[name].column_names) <= filters
