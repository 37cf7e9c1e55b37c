"""The importable tables: their columns, types, rules and the notes that templates print.

One `TableSpec` per table is the single description of a file format: the importer validates
against it, the template writer prints it, and the ledger's `read_table` returns these columns, so
export then import is the identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pairaid.ingest.errors import ImportValidationError, Problem
from pairaid.ledger import codes

ColumnType = Literal["code", "text", "int", "float", "year", "enum", "currency", "sector"]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: ColumnType
    description: str
    example: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # cells may be empty
    choices: tuple[str, ...] = ()
    #: another table whose code this column must name: regions, donors, indicators or projects
    references: str | None = None
    max_length: int = 64
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    #: columns (as named in the file) that identify a row; duplicates are errors
    natural_key: tuple[str, ...]
    #: the pairing a row belongs to is found from these columns plus a year (or `round`)
    pairing_from: tuple[str, str, str] | None = None
    extra_notes: tuple[str, ...] = field(default_factory=tuple)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


_YEAR = dict(type="year", minimum=1949, maximum=2100)


def _year(name: str, description: str, example: str = "2015", **kw) -> ColumnSpec:
    return ColumnSpec(name, description=description, example=example, **{**_YEAR, **kw})


def _donor(name: str = "donor") -> ColumnSpec:
    return ColumnSpec(name, "code", "Donor code (as in the donors table)", "BJ", references="donors")


def _recipient(name: str = "recipient") -> ColumnSpec:
    return ColumnSpec(name, "code", "Recipient region code (as in the regions table)", "653201",
                      references="regions")


def _round() -> ColumnSpec:
    return ColumnSpec("round", "int", "Pairing round (year the round began); only needed when two "
                      "rounds of the same donor and recipient overlap", "2010", required=False,
                      nullable=True, minimum=1949, maximum=2100)


def _currency(required: bool = True, nullable: bool = False) -> ColumnSpec:
    return ColumnSpec("currency", "currency", "ISO 4217 currency code of the amount", "CNY",
                      required=required, nullable=nullable, max_length=3)


def _sector() -> ColumnSpec:
    return ColumnSpec("sector", "sector", "OECD DAC sector: 5-digit CRS purpose code or 3-digit "
                      "category (e.g. 31120 agricultural development, 111 education)", "31120",
                      max_length=8)


def _source(nullable: bool = True, required: bool = False) -> ColumnSpec:
    return ColumnSpec("source", "text", "Where the figure comes from (document, table, page)",
                      "2015 provincial aid report, table 3", required=required, nullable=nullable,
                      max_length=1000)


def _ref() -> ColumnSpec:
    return ColumnSpec("ref", "text", "Your own reference; gives two otherwise identical rows "
                      "distinct identities", "TX-2015-0042", required=False, nullable=True)


_PAIRING_NOTE = (
    "donor + recipient name a pairing in the pairings table; the row belongs to the pairing whose "
    "start_year..end_year covers its year (give `round` when two rounds overlap).",
)

TABLES: dict[str, TableSpec] = {}


def _add(spec: TableSpec) -> None:
    TABLES[spec.name] = spec


_add(TableSpec(
    "regions", "Administrative units: provinces, prefectures, counties, corps divisions",
    (
        ColumnSpec("code", "code", "Unique code; GB/T 2260 where one exists", "653201", max_length=32),
        ColumnSpec("name_zh", "text", "Name in Chinese", "和田市", max_length=200),
        ColumnSpec("name_en", "text", "Name in English (pinyin)", "Hotan City", max_length=200),
        ColumnSpec("level", "enum", "Administrative level", "county", choices=codes.REGION_LEVELS),
        ColumnSpec("parent_code", "code", "Code of the unit one level up (empty for the top)",
                   "653200", nullable=True, references="regions", max_length=32),
        _year("valid_from", "First year the code is valid", "1983", required=False, nullable=True),
        _year("valid_to", "Last year the code is valid (empty: still valid)", "", required=False,
              nullable=True),
    ),
    natural_key=("code",),
))

_add(TableSpec(
    "crosswalk", "Old region codes and the current codes they became",
    (
        ColumnSpec("old_code", "code", "Code as used before the change", "652101", max_length=32),
        ColumnSpec("new_code", "code", "Current code (must be in the regions table)", "650402",
                   references="regions", max_length=32),
        _year("year", "Year the change took effect", "2015"),
        ColumnSpec("note", "text", "What changed", "Turpan prefecture became a prefecture-level city",
                   required=False, nullable=True, max_length=1000),
    ),
    natural_key=("old_code", "new_code"),
))

_add(TableSpec(
    "donors", "Donor provinces, municipalities, cities, departments and enterprises",
    (
        ColumnSpec("code", "code", "Unique short code", "BJ", max_length=32),
        ColumnSpec("name_zh", "text", "Name in Chinese", "北京市", max_length=200),
        ColumnSpec("name_en", "text", "Name in English", "Beijing", max_length=200),
        ColumnSpec("kind", "enum", "What kind of donor", "municipality", choices=codes.DONOR_KINDS),
    ),
    natural_key=("code",),
))

_add(TableSpec(
    "pairings", "Which donor assists which recipient, and when",
    (
        _donor(), _recipient(),
        _year("start_year", "First year of the pairing", "2010"),
        _year("end_year", "Last year (empty: ongoing)", "", nullable=True),
        ColumnSpec("round", "int", "Round of the programme (the year it began)", "2010",
                   minimum=1949, maximum=2100),
        ColumnSpec("note", "text", "Remarks", "", required=False, nullable=True, max_length=1000),
    ),
    natural_key=("donor", "recipient", "round"),
))

_add(TableSpec(
    "projects", "Assistance projects",
    (
        ColumnSpec("code", "code", "Unique project code", "BJ-HT-2015-001"),
        _donor(), _recipient(),
        ColumnSpec("title", "text", "Project title", "Hotan drip-irrigation extension",
                   max_length=500),
        _sector(),
        _year("start_year", "Year work began", "2015"),
        _year("end_year", "Year work ended (empty: not yet)", "2017", nullable=True),
        ColumnSpec("budget", "float", "Planned cost", "12500000", required=False, nullable=True,
                   minimum=0, maximum=1e15),
        _currency(required=False, nullable=True),
        ColumnSpec("status", "enum", "Current status", "completed", choices=codes.PROJECT_STATUSES),
        _round(),
    ),
    natural_key=("code",),
    pairing_from=("donor", "recipient", "start_year"),
    extra_notes=_PAIRING_NOTE,
))

_add(TableSpec(
    "outputs", "What projects delivered: indicator, baseline, target and actual by year",
    (
        ColumnSpec("project", "code", "Project code (as in the projects table)", "BJ-HT-2015-001",
                   references="projects"),
        ColumnSpec("indicator", "text", "What is counted", "irrigated_area"),
        ColumnSpec("unit", "text", "Unit of the figures", "ha"),
        _year("year", "Year the figures refer to", "2017"),
        ColumnSpec("baseline", "float", "Value before the project", "0", required=False,
                   nullable=True, minimum=-1e15, maximum=1e15),
        ColumnSpec("target", "float", "Planned value", "800", required=False, nullable=True,
                   minimum=-1e15, maximum=1e15),
        ColumnSpec("actual", "float", "Achieved value", "760", required=False, nullable=True,
                   minimum=-1e15, maximum=1e15),
    ),
    natural_key=("project", "indicator", "year"),
))

_add(TableSpec(
    "flows", "Money: commitments, disbursements, expenditure and investment secured",
    (
        _donor(), _recipient(),
        _year("year", "Year of the flow", "2015"),
        ColumnSpec("kind", "enum", "commitment, disbursement, expenditure or investment_secured",
                   "disbursement", choices=codes.FLOW_KINDS),
        ColumnSpec("amount", "float", "Amount in `currency`, nominal, as entered", "35000000",
                   minimum=0, maximum=1e15),
        _currency(), _sector(),
        ColumnSpec("project", "code", "Project code, if the flow belongs to one", "",
                   required=False, nullable=True, references="projects"),
        _source(), _ref(), _round(),
    ),
    natural_key=("donor", "recipient", "year", "kind", "sector", "ref"),
    pairing_from=("donor", "recipient", "year"),
    extra_notes=_PAIRING_NOTE,
))

_add(TableSpec(
    "personnel", "People sent: cadres, teachers, doctors, technicians, experts (counts only)",
    (
        _donor(), _recipient(),
        _year("year", "Year", "2015"),
        ColumnSpec("category", "enum", "Category of personnel", "teacher",
                   choices=codes.PERSONNEL_CATEGORIES),
        ColumnSpec("headcount", "int", "Number of people", "45", minimum=0, maximum=1e7),
        ColumnSpec("person_months", "float", "Person-months served", "540", required=False,
                   nullable=True, minimum=0, maximum=1e9),
        _source(), _round(),
    ),
    natural_key=("donor", "recipient", "year", "category"),
    pairing_from=("donor", "recipient", "year"),
    extra_notes=_PAIRING_NOTE + ("Counts only: never names or records of individual people.",),
))

_add(TableSpec(
    "enterprises", "Enterprises introduced: origin donor, destination region, investment, jobs",
    (
        ColumnSpec("origin", "code", "Donor code the enterprises come from", "BJ",
                   references="donors"),
        ColumnSpec("destination", "code", "Region code they settled in", "653201",
                   references="regions"),
        _year("year", "Year introduced", "2016"),
        _sector(),
        ColumnSpec("count", "int", "Number of enterprises in this row", "3", minimum=1,
                   maximum=1e7),
        ColumnSpec("investment", "float", "Investment in `currency`", "48000000", required=False,
                   nullable=True, minimum=0, maximum=1e15),
        _currency(required=False, nullable=True),
        ColumnSpec("jobs", "int", "Jobs created", "120", required=False, nullable=True, minimum=0,
                   maximum=1e9),
        _source(), _ref(),
    ),
    natural_key=("origin", "destination", "year", "sector", "ref"),
))

_add(TableSpec(
    "coverage", "Flow coverage: the pairing-years for which the ledger holds every flow (a year "
                "without flows is then a recorded zero, not a gap)",
    (
        _donor(), _recipient(),
        _year("year_from", "First year the ledger is complete for this pairing", "2011"),
        _year("year_to", "Last year the ledger is complete for this pairing", "2024"),
        _source(), _round(),
    ),
    natural_key=("donor", "recipient", "year_from", "year_to"),
    pairing_from=("donor", "recipient", "year_from"),
    extra_notes=("A pairing-year with no flow rows is 'not recorded' (its funds are missing, not "
                 "zero) unless a coverage row says the ledger is complete for it. The pairing "
                 "is the one whose start_year..end_year covers year_from.",),
))

_add(TableSpec(
    "indicators", "Outcome indicators and how they aggregate up the region hierarchy",
    (
        ColumnSpec("code", "code", "Unique code", "rural_income"),
        ColumnSpec("name_en", "text", "Name in English", "Rural disposable income per capita",
                   max_length=300),
        ColumnSpec("name_zh", "text", "Name in Chinese", "农村居民人均可支配收入", required=False,
                   nullable=True, max_length=300),
        ColumnSpec("unit", "text", "Unit", "CNY per person"),
        ColumnSpec("direction", "enum", "1 if more is better, -1 if less is better, 0 neutral",
                   "1", choices=("1", "-1", "0")),
        ColumnSpec("dimension", "text", "Dimension or pillar", "economic", max_length=32),
        ColumnSpec("aggregation", "enum", "sum: totals add up; pop_mean: population-weighted mean",
                   "pop_mean", choices=codes.AGGREGATIONS),
    ),
    natural_key=("code",),
))

_add(TableSpec(
    "observations", "Outcome values: one region, year and indicator per row",
    (
        ColumnSpec("region", "code", "Region code", "653201", references="regions"),
        _year("year", "Year", "2015"),
        ColumnSpec("indicator", "code", "Indicator code (as in the indicators table)",
                   "rural_income", references="indicators"),
        ColumnSpec("value", "float", "Value in the indicator's unit", "8421.5", minimum=-1e15,
                   maximum=1e15),
        _source(nullable=False, required=True),
        ColumnSpec("flag", "text", "Quality flag (e.g. estimated, provisional, synthetic)", "",
                   required=False, nullable=True, max_length=16),
    ),
    natural_key=("region", "year", "indicator"),
))

_add(TableSpec(
    "rates", "Exchange rates: units of `base` per one unit of `currency`, annual average",
    (
        ColumnSpec("currency", "currency", "ISO 4217 code", "USD", max_length=3),
        ColumnSpec("base", "currency", "ISO 4217 code the rate is quoted in", "CNY", max_length=3),
        _year("year", "Year", "2015"),
        ColumnSpec("rate", "float", "Units of base per unit of currency", "6.2284",
                   minimum=1e-12, maximum=1e12),
        _source(),
    ),
    natural_key=("currency", "base", "year"),
))

_add(TableSpec(
    "prices", "Price indices for constant-price reporting (any base year)",
    (
        ColumnSpec("code", "code", "Index code", "cpi_cn", max_length=32),
        ColumnSpec("currency", "currency", "Currency whose prices the index measures", "CNY",
                   max_length=3),
        _year("year", "Year", "2015"),
        ColumnSpec("value", "float", "Index value", "100", minimum=1e-12, maximum=1e12),
        _source(),
    ),
    natural_key=("code", "year"),
))

#: Order in which a whole ledger is exported and re-imported (references point backwards).
TABLE_ORDER = (
    "regions", "crosswalk", "donors", "pairings", "projects", "outputs", "flows", "personnel",
    "enterprises", "coverage", "indicators", "observations", "rates", "prices",
)
assert set(TABLE_ORDER) == set(TABLES)


def unknown_table(name: str) -> ImportValidationError:
    """The error for a table name that is not one of TABLE_ORDER."""
    return ImportValidationError([Problem(name, 0, "", f"unknown table '{name}' (tables: "
                                          f"{', '.join(TABLE_ORDER)})")])
