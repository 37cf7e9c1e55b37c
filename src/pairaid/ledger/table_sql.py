"""How each import table maps to the ledger: its ledger table and natural key
(`LEDGER_TABLES`), and the SELECT that reads it back in its import format (`EXPORT_SQL`, used by
exports, the fingerprint, corrections and approvals)."""

from __future__ import annotations

# Import/export table name → (ledger table, natural key columns in the ledger).
LEDGER_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "regions": ("region", ("code",)),
    "crosswalk": ("region_crosswalk", ("old_code", "new_code")),
    "donors": ("donor", ("code",)),
    "pairings": ("pairing", ("donor_code", "recipient_code", "round")),
    "projects": ("project", ("code",)),
    "outputs": ("project_output", ("project_code", "indicator", "year")),
    "flows": ("flow", ("pairing_id", "year", "kind", "sector", "ref")),
    "personnel": ("personnel", ("pairing_id", "year", "category")),
    "enterprises": ("enterprise", ("origin_code", "destination_code", "year", "sector", "ref")),
    "coverage": ("coverage", ("pairing_id", "year_from", "year_to")),
    "indicators": ("indicator", ("code",)),
    "observations": ("observation", ("region_code", "year", "indicator_code")),
    "rates": ("rate", ("currency", "base", "year")),
    "prices": ("price_index", ("code", "year")),
}

# How each table reads back in its import format: SELECT list and joins. Pairing-linked tables
# name their pairing by donor, recipient and round, so the file needs no ledger ids.
_P = "JOIN pairing p ON p.id = t.pairing_id"
EXPORT_SQL: dict[str, str] = {
    "regions": "SELECT code, name_zh, name_en, level, parent_code, valid_from, valid_to "
               "FROM region t ORDER BY code",
    "crosswalk": "SELECT old_code, new_code, year, note FROM region_crosswalk t "
                 "ORDER BY old_code, new_code",
    "donors": "SELECT code, name_zh, name_en, kind FROM donor t ORDER BY code",
    "pairings": "SELECT donor_code AS donor, recipient_code AS recipient, start_year, end_year, "
                "round, note FROM pairing t ORDER BY donor_code, recipient_code, round",
    "projects": f"SELECT t.code, p.donor_code AS donor, p.recipient_code AS recipient, t.title, "
                f"t.sector, t.start_year, t.end_year, t.budget, t.currency, t.status, p.round "
                f"FROM project t {_P} ORDER BY t.code",
    "outputs": "SELECT project_code AS project, indicator, unit, year, baseline, target, actual "
               "FROM project_output t ORDER BY project_code, indicator, year",
    "flows": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year, t.kind, "
             f"t.amount, t.currency, t.sector, t.project_code AS project, t.source, t.ref, p.round "
             f"FROM flow t {_P} ORDER BY p.donor_code, p.recipient_code, p.round, t.year, t.kind, "
             f"t.sector, t.ref",
    "personnel": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year, "
                 f"t.category, t.headcount, t.person_months, t.source, p.round FROM personnel t {_P} "
                 f"ORDER BY p.donor_code, p.recipient_code, p.round, t.year, t.category",
    "enterprises": "SELECT origin_code AS origin, destination_code AS destination, year, sector, "
                   "count, investment, currency, jobs, source, ref FROM enterprise t "
                   "ORDER BY origin_code, destination_code, year, sector, ref",
    "coverage": f"SELECT p.donor_code AS donor, p.recipient_code AS recipient, t.year_from, "
                f"t.year_to, t.source, p.round FROM coverage t {_P} ORDER BY p.donor_code, "
                f"p.recipient_code, p.round, t.year_from, t.year_to",
    "indicators": "SELECT code, name_en, name_zh, unit, direction, dimension, aggregation "
                  "FROM indicator t ORDER BY code",
    "observations": "SELECT region_code AS region, year, indicator_code AS indicator, value, "
                    "source, flag FROM observation t ORDER BY region_code, year, indicator_code",
    "rates": "SELECT currency, base, year, rate, source FROM rate t ORDER BY currency, base, year",
    "prices": "SELECT code, currency, year, value, source FROM price_index t ORDER BY code, year",
}
