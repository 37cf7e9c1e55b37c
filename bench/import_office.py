"""Benchmark: import an office workbook (Chinese headers, donor and county names, 万元, a cover
sheet, a merged title, a unit row, a 序号 column and a 合计 row) against the same rows as a
plain-code workbook (codes, 元, English headers), in the same run (issue 12).

Target: the office workbook imports at >= 70 % of the plain workbook's rows/s — name resolution,
unit scaling and the total check cost little. Prints one JSON line.

    python bench/import_office.py [--quick] [--rows N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid.ingest import import_file, import_frames
from pairaid.ledger import Store

KINDS = {"commitment": "承诺", "disbursement": "拨付", "expenditure": "支出"}
SECTORS = {"311": "农业", "111": "教育", "121": "卫生", "210": "交通", "16030": "住房"}
N_COUNTIES = 400
N_DONORS = 19


def reference_frames() -> dict[str, pd.DataFrame]:
    """19 donor provinces and 400 counties with Chinese and English names, one pairing each."""
    counties = [f"{650000 + i + 1}" for i in range(N_COUNTIES)]
    regions = pd.DataFrame({
        "code": ["650000"] + counties,
        "name_zh": ["新疆维吾尔自治区"] + [f"测试{i:03d}县" for i in range(N_COUNTIES)],
        "name_en": ["Xinjiang"] + [f"Test County {i}" for i in range(N_COUNTIES)],
        "level": ["province"] + ["county"] * N_COUNTIES,
        "parent_code": [None] + ["650000"] * N_COUNTIES,
    })
    donors = pd.DataFrame({"code": [f"D{i:02d}" for i in range(N_DONORS)],
                           "name_zh": [f"援助省{i:02d}市" for i in range(N_DONORS)],
                           "name_en": [f"Donor {i}" for i in range(N_DONORS)],
                           "kind": "province"})
    pairings = pd.DataFrame({"donor": [f"D{i % N_DONORS:02d}" for i in range(N_COUNTIES)],
                             "recipient": counties, "start_year": 2010, "end_year": None,
                             "round": 2010})
    return {"regions": regions, "donors": donors, "pairings": pairings}


def rows(n: int, seed: int = 12) -> pd.DataFrame:
    """n distinct flows; amounts in 万元 with up to 4 decimals (whole 元)."""
    rng = np.random.default_rng(seed)
    county = rng.integers(0, N_COUNTIES, n)
    return pd.DataFrame({
        "county": county, "year": rng.integers(2010, 2024, n),
        "kind": np.array(list(KINDS))[rng.integers(0, len(KINDS), n)],
        "sector": np.array(list(SECTORS))[rng.integers(0, len(SECTORS), n)],
        "wan": rng.integers(1, 50_000_000, n) / 10_000,  # 万元, 4 decimals
        "ref": [f"R{i}" for i in range(n)],
    })


def write_plain(path: Path, frame: pd.DataFrame) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("flows")
    sheet.append(["donor", "recipient", "year", "kind", "amount", "currency", "sector", "ref"])
    for r in frame.itertuples(index=False):
        sheet.append([f"D{r.county % N_DONORS:02d}", f"{650000 + r.county + 1}", int(r.year),
                      r.kind, int(round(Decimal(str(r.wan)) * 10_000)), "CNY", r.sector, r.ref])
    book.save(path)


def write_office(path: Path, frame: pd.DataFrame) -> str:
    """The same rows as an office keeps them; returns the 合计 it writes (万元)."""
    from openpyxl import Workbook

    book = Workbook()
    cover = book.active
    cover.title = "说明"
    cover.append(["本表为对口援疆资金明细，金额单位为万元。"])
    sheet = book.create_sheet("资金明细")
    sheet.append(["对口援疆资金拨付明细表"])
    sheet.merge_cells("A1:H1")
    sheet.append(["单位：万元"])
    sheet.append(["序号", "援助方", "受援县", "年份", "资金类型", "金额", "领域", "编号"])
    for i, r in enumerate(frame.itertuples(index=False), start=1):
        sheet.append([i, f"援助省{r.county % N_DONORS:02d}市", f"测试{r.county:03d}县",
                      f"{int(r.year)}年{1 + i % 12}月", KINDS[r.kind], float(r.wan),
                      SECTORS[r.sector], r.ref])
    total = sum((Decimal(str(w)) for w in frame["wan"]), Decimal(0))
    sheet.append(["合计", None, None, None, None, float(total), None, None])
    book.save(path)
    return str(total)


def timed_import(folder: Path, name: str, path: Path) -> tuple[float, object]:
    store = Store.open(folder / f"{name}.db")
    try:
        import_frames(store, reference_frames())
        start = time.perf_counter()
        report = import_file(store, "flows", path)
        seconds = time.perf_counter() - start
        amounts = store.query("SELECT SUM(amount) AS s FROM flow")["s"].iloc[0]
    finally:
        store.close()
    return seconds, (report, amounts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows (smoke test)")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    n = args.rows or (5_000 if args.quick else 100_000)
    folder = Path(tempfile.mkdtemp(prefix="pairaid-bench-office-"))
    try:
        frame = rows(n)
        write_plain(folder / "plain.xlsx", frame)
        write_office(folder / "office.xlsx", frame)
        plain_s, (plain_report, plain_sum) = timed_import(folder, "plain", folder / "plain.xlsx")
        office_s, (office_report, office_sum) = timed_import(folder, "office", folder / "office.xlsx")
        assert plain_report.rows == office_report.rows == n
        assert plain_sum == office_sum, (plain_sum, office_sum)  # every 元 landed the same
        plain_rate, office_rate = n / plain_s, n / office_s
        ratio = office_rate / plain_rate
        print(json.dumps({
            "bench": "import_office_xlsx", "figure": round(office_rate), "unit": "rows/s",
            "baseline": "the same rows as a plain-code XLSX (codes, 元, English headers)",
            "baseline_figure": round(plain_rate), "ratio": round(ratio, 3),
            "target": ">= 0.70 ratio", "met": ratio >= 0.70, "rows": n,
            "seconds": {"office": round(office_s, 2), "plain": round(plain_s, 2)},
        }), flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
