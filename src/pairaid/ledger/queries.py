"""Aggregating reads for the panel and the summary: the SQL does the grouping, pandas the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sqlalchemy import text

from pairaid.ledger.store import Store, sql_in

_YEARS = "year BETWEEN :year_from AND :year_to"


def _years(year_from: int, year_to: int) -> dict[str, int]:
    return {"year_from": year_from, "year_to": year_to}


def regions(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_zh, name_en, level, parent_code FROM region ORDER BY code")


def indicators(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_en, name_zh, unit, direction, dimension, aggregation "
                       "FROM indicator ORDER BY code")


def indicator_values(store: Store, code: str) -> pd.DataFrame:
    """Every observation of one indicator: region, year, value, flag."""
    return store.query("SELECT region_code AS region, year, value, flag FROM observation "
                       f"WHERE indicator_code = :code AND {store.approved()}", {"code": code})


def year_span(store: Store) -> tuple[int | None, int | None]:
    """First and last year with any flow or observation."""
    ok = store.approved()
    frame = store.query("SELECT MIN(y) AS lo, MAX(y) AS hi FROM ("
                        f"SELECT MIN(year) AS y FROM flow WHERE {ok} "
                        f"UNION ALL SELECT MAX(year) FROM flow WHERE {ok} "
                        f"UNION ALL SELECT MIN(year) FROM observation WHERE {ok} "
                        f"UNION ALL SELECT MAX(year) FROM observation WHERE {ok}) spans")
    lo, hi = frame.iloc[0]
    return (None if pd.isna(lo) else int(lo)), (None if pd.isna(hi) else int(hi))


def flows(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """Every flow in the years with its pairing's donor and recipient (text as categoricals).

    The grouping happens in pandas: for a million flows, fetching them through Arrow and grouping
    in memory takes 0.6 s where SQLite's GROUP BY takes 1.7 s."""
    rows = store.frame(
        "SELECT pairing_id, year, kind, currency, sector, amount FROM flow "
        f"WHERE year BETWEEN {int(year_from)} AND {int(year_to)} AND {store.approved()}")
    if rows.empty:  # no row gives no types: an empty result gets its columns' own (pandas
        # cannot sum an untyped column grouped by an empty categorical: /api/summary?to=1949)
        rows = rows.astype({"pairing_id": "int64", "year": "int64", "kind": object,
                            "currency": object, "sector": object, "amount": "float64"})
    pairings = store.query("SELECT id, donor_code AS donor, recipient_code AS recipient FROM pairing")
    by_id = pairings.set_index("id")
    for column in ("donor", "recipient"):
        rows[column] = pd.Categorical(rows["pairing_id"].map(by_id[column]))
    return rows


def duplicate_flow_copies(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """Flows identical in every field but their reference (the audit's exact duplicates):
    ``year, kind, currency, amount, copies`` — `copies` counts the rows of each group."""
    return store.frame(
        "SELECT year, kind, currency, amount, COUNT(*) AS copies FROM flow "
        f"WHERE year BETWEEN {int(year_from)} AND {int(year_to)} AND {store.approved()} "
        "GROUP BY pairing_id, year, kind, amount, currency, sector, project_code, source "
        "HAVING COUNT(*) > 1")


def observations_wide(store: Store, codes: list[str], year_from: int, year_to: int,
                      every_indicator: bool = False) -> pd.DataFrame:
    """One row per region and year with any of the indicators, one column per indicator.
    (`every_indicator`: `codes` are all the ledger's indicators, so no filter is needed.)

    The observations are fetched long and scattered into a (region-year × indicator) array:
    no per-row Python, no SQL pivot (which takes 1.9 s on 1.7 million rows in SQLite)."""
    if not codes:
        return pd.DataFrame(columns=["region", "year"])
    long = store.frame(
        "SELECT region_code AS region, year, indicator_code AS indicator, value FROM observation "
        f"WHERE year BETWEEN {int(year_from)} AND {int(year_to)} AND {store.approved()}"
        + ("" if every_indicator else f" AND indicator_code IN ({sql_in(codes)})"))
    n_years = int(year_to) - int(year_from) + 1
    regions = pd.Categorical(long["region"])
    indicator = pd.Categorical(long["indicator"], categories=codes).codes
    # (typed: a query that finds nothing returns untyped columns, which cannot index)
    years = long["year"].to_numpy(dtype=np.int64)
    row = regions.codes.astype(np.int64) * n_years + (years - int(year_from))
    values = np.full((len(regions.categories) * n_years, len(codes)), np.nan)
    values[row, indicator] = long["value"].to_numpy(dtype=float)
    present = np.zeros(len(values), dtype=bool)
    present[row] = True
    wide = pd.DataFrame(values[present], columns=codes)
    wide.insert(0, "year", np.tile(np.arange(int(year_from), int(year_to) + 1),
                                   len(regions.categories))[present])
    wide.insert(0, "region", np.repeat(np.asarray(regions.categories, dtype=object), n_years)[present])
    return wide


def personnel_sums(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    return store.query(
        "SELECT p.recipient_code AS recipient, p.donor_code AS donor, t.year, t.category, "
        "SUM(t.headcount) AS headcount, SUM(t.person_months) AS person_months FROM personnel t "
        "JOIN pairing p ON p.id = t.pairing_id WHERE t." + _YEARS +
        f" AND {store.approved('t')} AND {store.approved('p')}" +
        " GROUP BY p.recipient_code, p.donor_code, t.year, t.category", _years(year_from, year_to))


def project_spans(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT p.recipient_code AS recipient, p.donor_code AS donor, t.start_year, t.end_year, "
        "t.status FROM project t JOIN pairing p ON p.id = t.pairing_id "
        f"WHERE {store.approved('t')} AND {store.approved('p')}")


def enterprise_sums(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    return store.query(
        "SELECT destination_code AS recipient, origin_code AS donor, year, currency, "
        "SUM(count) AS count, SUM(investment) AS investment, SUM(jobs) AS jobs FROM enterprise "
        "WHERE " + _YEARS + f" AND {store.approved()} GROUP BY destination_code, origin_code, year, currency",
        _years(year_from, year_to))


def pairing_spans(store: Store) -> pd.DataFrame:
    return store.query("SELECT donor_code AS donor, recipient_code AS recipient, start_year, "
                       f"end_year, round FROM pairing WHERE {store.approved()}")


def donors(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_zh, name_en, kind FROM donor ORDER BY code")


# -- flow coverage (issue 12): which pairing-years the ledger claims to hold completely ---------
def flow_pairing_years(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """Every (pairing_id, year) with at least one flow row in the years."""
    return store.query("SELECT DISTINCT pairing_id, year FROM flow WHERE " + _YEARS
                       + f" AND {store.approved()}",
                       _years(year_from, year_to))


def pairings_with_ids(store: Store) -> pd.DataFrame:
    return store.query("SELECT id AS pairing_id, donor_code AS donor, recipient_code AS recipient,"
                       f" start_year, end_year, round FROM pairing WHERE {store.approved()} "
                       "ORDER BY id")


def coverage(store: Store) -> pd.DataFrame:
    """The declared coverage: pairing (donor, recipient, round) complete over year_from..year_to."""
    return store.query(
        "SELECT c.pairing_id, p.donor_code AS donor, p.recipient_code AS recipient, p.round, "
        "c.year_from, c.year_to, c.source FROM coverage c JOIN pairing p ON p.id = c.pairing_id "
        "ORDER BY p.donor_code, p.recipient_code, p.round, c.year_from")


def declare_coverage(store: Store, spans: pd.DataFrame, source: str | None = None,
                     actor=None) -> int:
    """Record that the ledger is complete for each row's pairing over year_from..year_to (rows:
    pairing_id, year_from, year_to). A span already declared is left as it is. Returns the
    number of new spans (each journaled, by `actor`; None: the local user)."""
    from pairaid.ledger.journal import default_actor

    if spans.empty:
        return 0
    rows = {(int(r.pairing_id), int(r.year_from), int(r.year_to)): source
            for r in spans.itertuples()}
    with store.transaction(actor or default_actor()) as conn:
        existing = conn.execute(text("SELECT pairing_id, year_from, year_to FROM coverage")).all()
        for key in existing:
            rows.pop(tuple(key), None)
        store.insert_raw("coverage", [{"pairing_id": p, "year_from": a, "year_to": b,
                                       "source": src} for (p, a, b), src in rows.items()], conn)
        return len(rows)


def clear_coverage(store: Store, pairing_ids: list[int], actor=None) -> int:
    """Withdraw every coverage declaration of the pairings; returns the spans removed."""
    from pairaid.ledger.journal import default_actor, delete_journaled

    if not pairing_ids:
        return 0
    ids = ", ".join(str(int(i)) for i in pairing_ids)
    with store.transaction(actor or default_actor()) as conn:
        found = conn.execute(text(f"SELECT id FROM coverage WHERE pairing_id IN ({ids})")).all()
        return delete_journaled(store, conn, "coverage", [r.id for r in found])
