"""Aggregating reads for the panel and the summary: the SQL does the grouping, pandas the rest."""

from __future__ import annotations

import pandas as pd

from pairaid.ledger.store import Store, sql_in

_YEARS = "year BETWEEN :year_from AND :year_to"


def _years(year_from: int, year_to: int) -> dict[str, int]:
    return {"year_from": year_from, "year_to": year_to}


def regions(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_zh, name_en, level, parent_code FROM region ORDER BY code")


def indicators(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_en, name_zh, unit, direction, dimension, aggregation "
                       "FROM indicator ORDER BY code")


def year_span(store: Store) -> tuple[int | None, int | None]:
    """First and last year with any flow or observation."""
    frame = store.query("SELECT MIN(y) AS lo, MAX(y) AS hi FROM ("
                        "SELECT MIN(year) AS y FROM flow UNION ALL SELECT MAX(year) FROM flow "
                        "UNION ALL SELECT MIN(year) FROM observation "
                        "UNION ALL SELECT MAX(year) FROM observation) spans")
    lo, hi = frame.iloc[0]
    return (None if pd.isna(lo) else int(lo)), (None if pd.isna(hi) else int(hi))


def flow_sums(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    """Amounts summed by recipient, donor, year, kind, currency and sector."""
    return store.query(
        "SELECT p.recipient_code AS recipient, p.donor_code AS donor, f.year, f.kind, f.currency, "
        "f.sector, SUM(f.amount) AS amount, COUNT(*) AS n FROM flow f "
        "JOIN pairing p ON p.id = f.pairing_id WHERE f." + _YEARS +
        " GROUP BY p.recipient_code, p.donor_code, f.year, f.kind, f.currency, f.sector",
        _years(year_from, year_to))


def observations_wide(store: Store, codes: list[str], year_from: int, year_to: int) -> pd.DataFrame:
    """One row per region and year, one column per indicator (pivoted in SQL)."""
    if not codes:
        return pd.DataFrame(columns=["region", "year"])
    pivots = ", ".join(
        f"MAX(CASE WHEN indicator_code = {sql_in([c])} THEN value END) AS \"{c}\"" for c in codes)
    return store.query(
        f"SELECT region_code AS region, year, {pivots} FROM observation "
        f"WHERE {_YEARS} AND indicator_code IN ({sql_in(codes)}) GROUP BY region_code, year",
        _years(year_from, year_to))


def personnel_sums(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    return store.query(
        "SELECT p.recipient_code AS recipient, p.donor_code AS donor, t.year, t.category, "
        "SUM(t.headcount) AS headcount, SUM(t.person_months) AS person_months FROM personnel t "
        "JOIN pairing p ON p.id = t.pairing_id WHERE t." + _YEARS +
        " GROUP BY p.recipient_code, p.donor_code, t.year, t.category", _years(year_from, year_to))


def project_spans(store: Store) -> pd.DataFrame:
    return store.query(
        "SELECT p.recipient_code AS recipient, p.donor_code AS donor, t.start_year, t.end_year, "
        "t.status FROM project t JOIN pairing p ON p.id = t.pairing_id")


def enterprise_sums(store: Store, year_from: int, year_to: int) -> pd.DataFrame:
    return store.query(
        "SELECT destination_code AS recipient, origin_code AS donor, year, currency, "
        "SUM(count) AS count, SUM(investment) AS investment, SUM(jobs) AS jobs FROM enterprise "
        "WHERE " + _YEARS + " GROUP BY destination_code, origin_code, year, currency",
        _years(year_from, year_to))


def pairing_spans(store: Store) -> pd.DataFrame:
    return store.query("SELECT donor_code AS donor, recipient_code AS recipient, start_year, "
                       "end_year, round FROM pairing")


def donors(store: Store) -> pd.DataFrame:
    return store.query("SELECT code, name_zh, name_en, kind FROM donor ORDER BY code")
