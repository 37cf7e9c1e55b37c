"""IATI code lists as pairaid maps them (transaction types, statuses, measures, countries)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

#: IATI TransactionType → ledger flow kind (1 and 11 are seen from the receiving side: the
#: provider's disbursement and commitment). 11 is pairaid's export of investment secured.
_FLOW_KIND = {"1": "disbursement", "2": "commitment", "3": "disbursement", "4": "expenditure",
              "11": "commitment"}
TRANSACTION_TYPES = {
    "1": "incoming funds", "2": "outgoing commitment", "3": "disbursement", "4": "expenditure",
    "5": "interest payment", "6": "loan repayment", "7": "reimbursement",
    "8": "purchase of equity", "9": "sale of equity", "10": "credit guarantee",
    "11": "incoming commitment", "12": "outgoing pledge", "13": "incoming pledge",
}
#: the words pairaid puts at the start of an investment-secured transaction's description
INVESTMENT_SECURED_NOTE = "investment secured"
#: ledger flow kind → IATI TransactionType when exporting
TRANSACTION_TYPE = {"commitment": "2", "disbursement": "3", "expenditure": "4",
                    "investment_secured": "11"}
#: IATI ActivityStatus → ledger project status
_STATUS = {"1": "planned", "2": "ongoing", "3": "ongoing", "4": "completed", "5": "cancelled",
           "6": "suspended"}
STATUS_CODE = {"planned": "1", "ongoing": "2", "completed": "4", "cancelled": "5",
               "suspended": "6"}
#: IATI IndicatorMeasure → a unit for project outputs
MEASURES = {"1": "unit", "2": "percentage", "3": "nominal", "4": "ordinal", "5": "qualitative"}


def transaction_type_name(code: str) -> str:
    return TRANSACTION_TYPES.get(code, "unknown type")


def flow_kind(transaction) -> str | None:
    if transaction.type == "11" and transaction.description.lower().startswith(
            INVESTMENT_SECURED_NOTE):
        return "investment_secured"
    return _FLOW_KIND.get(transaction.type)


def project_status(code: str) -> str:
    return _STATUS.get(code, "ongoing")


def measure_unit(code: str) -> str:
    return MEASURES.get(code, "unit")


def year(date: str | None) -> int | None:
    date = (date or "").strip()
    return int(date[:4]) if len(date) >= 4 and date[:4].isdigit() else None


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 → English name (IATI's Country code list)."""
    text = resources.files("pairaid.ingest.iati").joinpath("schema", "country.csv").read_text("utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


def schema_path():
    """The official IATI 2.03 activity schema shipped with pairaid."""
    return resources.files("pairaid.ingest.iati").joinpath("schema", "iati-activities-schema.xsd")
