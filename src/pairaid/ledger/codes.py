"""Code lists the ledger validates against: levels, kinds, ISO 4217 currencies, OECD DAC sectors.

Currencies and sectors come from the IATI 2.03 code lists (IATI/IATI-Codelists, replicating
ISO 4217 and the OECD DAC CRS purpose codes), copied into `codelists/`.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

REGION_LEVELS = (
    "country", "province", "prefecture", "county", "township", "village", "corps", "corps_division",
)
#: Levels that are leaves of the analysis panel's county level: corps divisions have no counties.
COUNTY_PANEL_LEVELS = ("county", "corps_division")
PREFECTURE_PANEL_LEVELS = ("prefecture", "corps_division")
DONOR_KINDS = (
    "province", "municipality", "city", "central_department", "state_owned_enterprise", "other",
)
FLOW_KINDS = ("commitment", "disbursement", "expenditure", "investment_secured")
PERSONNEL_CATEGORIES = ("cadre", "teacher", "doctor", "technician", "expert", "other")
PROJECT_STATUSES = ("planned", "ongoing", "completed", "cancelled", "suspended")
AGGREGATIONS = ("sum", "pop_mean")
DIRECTIONS = (-1, 0, 1)
#: The indicator whose values weight `pop_mean` indicators when units are aggregated.
POPULATION_INDICATOR = "population"


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("pairaid.ledger").joinpath("codelists", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes (active and withdrawn: old records may use a withdrawn currency)."""
    return frozenset(row["code"] for row in _read("currency.csv"))


@cache
def sectors() -> dict[str, str]:
    """OECD DAC sector codes → names: 5-digit CRS purpose codes and 3-digit sector categories."""
    codes = {row["code"]: row["name"] for row in _read("sector.csv")}
    codes.update({row["code"]: row["name"] for row in _read("sector_category.csv")})
    return codes


@cache
def sector_category() -> dict[str, str]:
    """Any accepted sector code → its 3-digit DAC category (used for the panel's sector columns)."""
    mapping = {row["code"]: row["category"] for row in _read("sector.csv")}
    mapping.update({row["code"]: row["code"] for row in _read("sector_category.csv")})
    return mapping
