"""Benchmark: import flows from CSV into SQLite and PostgreSQL, and build the county panel.

Sizes (issue 2): 1,000,000 flow rows; 2,850 counties × 30 years × 20 indicators.
Baseline in the same run: DuckDB reading the same CSV (rows/s), and DuckDB pivoting the same
observations CSV into the same wide table. Prints one JSON line per figure.

    python bench/import_and_panel.py [--quick] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.ingest import import_file, import_frames
from pairaid.ledger import Store
from pairaid.panel import build_panel

PG_URL = os.environ.get("PAIRAID_BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/test")
SECTORS = ["31120", "31140", "11120", "12230", "21020", "16030", "25010", "43040"]
KINDS = ["commitment", "disbursement", "expenditure", "investment_secured"]


def reference_frames(n_counties: int, n_prefectures: int = 300) -> dict[str, pd.DataFrame]:
    """Regions, donors and one pairing per county (what the flows refer to)."""
    prefectures = [f"P{i:04d}" for i in range(n_prefectures)]
    counties = [f"C{i:05d}" for i in range(n_counties)]
    regions = pd.DataFrame({
        "code": ["CN"] + prefectures + counties,
        "name_zh": ["全国"] + [f"地区{i}" for i in range(n_prefectures)]
                   + [f"县{i}" for i in range(n_counties)],
        "name_en": ["Country"] + [f"Prefecture {i}" for i in range(n_prefectures)]
                   + [f"County {i}" for i in range(n_counties)],
        "level": ["province"] + ["prefecture"] * n_prefectures + ["county"] * n_counties,
        "parent_code": [None] + ["CN"] * n_prefectures
                       + [prefectures[i % n_prefectures] for i in range(n_counties)],
    })
    donors = pd.DataFrame({"code": [f"D{i:02d}" for i in range(30)],
                           "name_zh": [f"省{i}" for i in range(30)],
                           "name_en": [f"Donor {i}" for i in range(30)], "kind": "province"})
    pairings = pd.DataFrame({"donor": [f"D{i % 30:02d}" for i in range(n_counties)],
                             "recipient": counties, "start_year": 1995, "end_year": None,
                             "round": 1995})
    return {"regions": regions, "donors": donors, "pairings": pairings}


def flows_csv(path: Path, n_rows: int, n_counties: int, rng: np.random.Generator) -> None:
    """n_rows distinct flows (distinct natural keys via the `ref` column)."""
    county = rng.integers(0, n_counties, n_rows)
    frame = pd.DataFrame({
        "donor": np.char.add("D", np.char.zfill((county % 30).astype(str), 2)),
        "recipient": np.char.add("C", np.char.zfill(county.astype(str), 5)),
        "year": rng.integers(1995, 2025, n_rows),
        "kind": np.array(KINDS)[rng.integers(0, 4, n_rows)],
        "amount": np.round(rng.lognormal(14, 1.5, n_rows), 2),
        "currency": "CNY",
        "sector": np.array(SECTORS)[rng.integers(0, len(SECTORS), n_rows)],
        "source": "bench",
        "ref": np.char.add("R", np.arange(n_rows).astype(str)),
    })
    frame.to_csv(path, index=False)


def observations_csv(path: Path, n_counties: int, n_years: int, n_indicators: int,
                     rng: np.random.Generator) -> pd.DataFrame:
    codes = ["population"] + [f"ind{i:02d}" for i in range(1, n_indicators)]
    rules = (["sum"] + ["pop_mean", "sum"] * n_indicators)[:n_indicators]
    indicators = pd.DataFrame({"code": codes, "name_en": codes, "unit": "x", "direction": 1,
                               "dimension": "bench", "aggregation": rules})
    grid = pd.MultiIndex.from_product(
        [[f"C{i:05d}" for i in range(n_counties)], range(1995, 1995 + n_years), codes],
        names=["region", "year", "indicator"]).to_frame(index=False)
    grid["value"] = rng.lognormal(8, 1, len(grid)).round(3)
    grid["source"] = "bench"
    grid.to_csv(path, index=False)
    return indicators


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def duckdb_read_seconds(path: Path) -> float:
    import duckdb

    conn = duckdb.connect()
    seconds, _ = timed(lambda: conn.execute(
        f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true)").fetchall())
    conn.close()
    return seconds


def emit(**line) -> None:
    print(json.dumps(line), flush=True)


def bench_import(label: str, store: Store, refs, csv_path: Path, n_rows: int, baseline: float,
                 target: float) -> None:
    import_frames(store, refs, source="bench")
    seconds, report = timed(lambda: import_file(store, "flows", csv_path))
    assert report.rows == n_rows
    rate = n_rows / seconds
    emit(bench=f"import_flows_{label}", figure=round(rate), unit="rows/s", seconds=round(seconds, 2),
         baseline="duckdb read_csv of the same file", baseline_rows_per_s=round(n_rows / baseline),
         ratio=round(rate / (n_rows / baseline), 3), target=f">= {target:,.0f} rows/s",
         met=rate >= target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    n_rows, n_counties, n_years, n_ind = ((20_000, 300, 10, 8) if args.quick
                                         else (1_000_000, 2_850, 30, 20))
    rng = np.random.default_rng(1)
    work = Path(tempfile.mkdtemp(prefix="pairaid-bench-"))
    try:
        refs = reference_frames(n_counties, n_prefectures=max(10, n_counties // 10))
        csv_path = work / "flows.csv"
        flows_csv(csv_path, n_rows, n_counties, rng)
        baseline = duckdb_read_seconds(csv_path)
        # Warm-up: one small import first, so the figure is throughput, not first-call set-up
        # (module imports, Arrow kernel registration: about half a second once per process).
        warm_csv = work / "warm.csv"
        flows_csv(warm_csv, 1_000, n_counties, rng)
        warm_store = Store.open(work / "warm.db")
        import_frames(warm_store, refs, source="bench")
        import_file(warm_store, "flows", warm_csv)
        warm_store.close()

        sqlite = Store.open(work / "bench.db")
        bench_import("sqlite", sqlite, refs, csv_path, n_rows, baseline, 200_000)
        if not args.no_postgres:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            from sqlalchemy import create_engine, text
            admin = create_engine("postgresql+psycopg://" + PG_URL.split("://", 1)[1])
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                pg = Store.open(f"{PG_URL}?options=-csearch_path%3D{schema}")
                bench_import("postgresql", pg, refs, csv_path, n_rows, baseline, 300_000)
                pg.close()
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))

        obs_path = work / "observations.csv"
        indicators = observations_csv(obs_path, n_counties, n_years, n_ind, rng)
        import_frames(sqlite, {"indicators": indicators}, source="bench")
        load_seconds, _ = timed(lambda: import_file(sqlite, "observations", obs_path))
        n_obs = n_counties * n_years * n_ind
        cold, panel = timed(lambda: build_panel(sqlite, "county", 1995, 1994 + n_years))
        assert len(panel.frame) == n_counties * n_years
        warm = sorted(timed(lambda: build_panel(sqlite, "county", 1995, 1994 + n_years))[0]
                      for _ in range(3))
        seconds = warm[1]  # median of three warm builds; the first (cold) one is printed too

        import duckdb
        conn = duckdb.connect()
        base, _ = timed(lambda: conn.execute(
            f"SELECT * FROM (PIVOT (SELECT region, year, indicator, value FROM "
            f"read_csv('{obs_path}', header=true)) ON indicator USING first(value) "
            f"GROUP BY region, year)").fetchdf())
        conn.close()
        emit(bench="panel_county_sqlite", figure=round(seconds, 3), unit="s (median of 3 warm)",
             cold_first_build_s=round(cold, 3),
             size=f"{n_counties} counties x {n_years} years x {n_ind} indicators ({n_obs:,} "
                  f"observations) + {n_rows:,} flows",
             baseline="duckdb PIVOT of the observations CSV", baseline_s=round(base, 3),
             ratio=round(seconds / base, 3), target="<= 2 s", met=seconds <= 2.0,
             observations_import_rows_per_s=round(n_obs / load_seconds))
        sqlite.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
