"""The same demo ledger on PostgreSQL gives the same report numbers and the same ledger
fingerprint as on SQLite (the report reads through the Store, never a backend's own SQL)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from pairaid.demo import build_frames, demo_meta
from pairaid.ingest import import_frames
from pairaid.ledger import Store
from pairaid.report.build import build_report

pytestmark = pytest.mark.postgres


def _section_ids(folder) -> list[str]:
    return re.findall(r'<section id="([^"]+)"', (folder / "index.html").read_text("utf-8"))


def test_postgres_report_equals_sqlite_report(english_report, pg_schema_url, tmp_path):
    """The report on PostgreSQL against the shared SQLite demo report (conftest.py)."""
    with Store.open(pg_schema_url) as pg:
        import_frames(pg, build_frames(2010), mode="append", source="demo")
        pg.set_meta(**demo_meta(2010))
        on_pg = build_report(pg, tmp_path / "pg", db_label="pg", png=False)
    lite = english_report
    first = json.loads((on_pg.out_dir / "provenance.json").read_text(encoding="utf-8"))
    second = json.loads((lite / "provenance.json").read_text(encoding="utf-8"))
    assert first["ledger_sha256"] == second["ledger_sha256"]
    assert first["charts"] == second["charts"] and len(first["charts"]) >= 14
    assert on_pg.sections == _section_ids(lite) and len(on_pg.sections) >= 10
    for name in ("table_headline", "table_elasticity", "event_study", "funds_by_year",
                 "pairing_flows", "map_funds", "lorenz", "dependence"):
        pg_table = pd.read_csv(on_pg.out_dir / "data" / f"{name}.csv")
        lite_table = pd.read_csv(lite / "data" / f"{name}.csv")
        pd.testing.assert_frame_equal(pg_table, lite_table, rtol=1e-9, check_dtype=False,
                                      obj=name)
