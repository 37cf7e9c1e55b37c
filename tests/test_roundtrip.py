"""Import → export → import is the identity, in every export format.

A hypothesis property over random valid ledgers (codes and names in Chinese and Latin script,
text with commas, quotes, newlines and leading '=', floats from subnormal to 1e15, empty optional
cells) on SQLite, and one deterministic round trip of the mini ledger on each backend.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import fresh_ledger, load_mini
from pairaid.ingest import TABLE_ORDER, import_file, import_frames
from pairaid.ingest.export import FORMATS, write_frame
from pairaid.ledger import Store, codes

SECTORS = sorted(codes.sectors())
CURRENCIES = ["CNY", "USD", "EUR", "HKD", "JPY"]
# Printable text in both scripts plus the characters that stress each format.
TEXT_ALPHABET = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")),
    st.sampled_from("新疆和田阿克苏北京上海援疆项目 ,;\"'=#@\t\n\r-+.0123456789eE"),
)
CODE_ALPHABET = st.sampled_from("0123456789ABCDEFXYZabcxyz-_.和田新疆市县")
YEARS = st.integers(1949, 2100)
#: Text that a careless reader would turn into a number, a missing value, a formula or a note.
TRICKY_TEXT = ("nan", "NA", "NULL", "None", "TRUE", "1e5", "0012", "1,234", "-", "=1+1", "'=1",
               "#note", '"quoted"', "a,b", "line\nbreak", " padded ",
               # formula-leading text: CSV exports guard it with an apostrophe, imports unguard
               "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3", "=HYPERLINK(\"x\")", "''=1",
               "'+", "'''@x", "'plain", "a\tb")


def _text(max_size: int = 16) -> st.SearchStrategy[str]:
    """Text with something left after stripping (the importer strips every cell)."""
    return st.one_of(
        st.sampled_from([t for t in TRICKY_TEXT if len(t) <= max_size]),
        st.text(TEXT_ALPHABET, min_size=1, max_size=max_size).filter(lambda t: t.strip()),
    )


def _optional(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def _unique(rows: list[dict], key: tuple[str, ...]) -> list[dict]:
    """The first row of each natural key, compared as the importer will (stripped, '' for none)."""
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault(tuple("" if row[k] is None else str(row[k]).strip() for k in key), row)
    return list(seen.values())


@st.composite
def ledgers(draw) -> dict[str, pd.DataFrame]:
    """A random valid ledger as import frames (tables with no rows are left out)."""
    codes_ = draw(st.lists(st.text(CODE_ALPHABET, min_size=1, max_size=10), min_size=9,
                           max_size=14, unique_by=str.casefold))
    region_codes, donor_codes = codes_[:6], codes_[6:8]
    project_codes = codes_[8:]
    province, prefecture, counties = region_codes[0], region_codes[1], region_codes[2:]

    def region(code: str, level: str, parent: str | None) -> dict:
        valid_from = draw(_optional(YEARS))
        valid_to = draw(_optional(st.integers(valid_from or 1949, 2100)))
        return dict(code=code, name_zh=draw(_text()), name_en=draw(_text()), level=level,
                    parent_code=parent, valid_from=valid_from, valid_to=valid_to)

    regions = [region(province, "province", None), region(prefecture, "prefecture", province)]
    regions += [region(c, draw(st.sampled_from(codes.COUNTY_PANEL_LEVELS)), prefecture)
                for c in counties]
    donors = [dict(code=c, name_zh=draw(_text()), name_en=draw(_text()),
                   kind=draw(st.sampled_from(codes.DONOR_KINDS))) for c in donor_codes]

    pairings = []
    for donor in donor_codes:
        for recipient in draw(st.lists(st.sampled_from(counties), min_size=1, max_size=2,
                                       unique=True)):
            start = draw(st.integers(1949, 2080))
            for round_start in sorted({start, draw(st.integers(start, 2090))}):
                end = draw(_optional(st.integers(round_start, 2100)))
                pairings.append(dict(donor=donor, recipient=recipient, start_year=round_start,
                                     end_year=end, round=round_start, note=draw(_optional(_text()))))

    def pairing_row() -> tuple[dict, int]:
        """A pairing and a year it covers; `round` given whenever two rounds cover that year."""
        pairing = draw(st.sampled_from(pairings))
        year = draw(st.integers(pairing["start_year"], pairing["end_year"] or 2100))
        covering = [p for p in pairings if (p["donor"], p["recipient"]) == (
            pairing["donor"], pairing["recipient"]) and p["start_year"] <= year <= (
            p["end_year"] or 2100)]
        given_round = pairing["round"] if len(covering) > 1 or draw(st.booleans()) else None
        # `_pairing` (dropped before import) keys rows by the pairing they will resolve to
        return dict(donor=pairing["donor"], recipient=pairing["recipient"], round=given_round,
                    _pairing=(pairing["donor"], pairing["recipient"], pairing["round"])), year

    projects = []
    for code in project_codes:
        link, year = pairing_row()
        budget = draw(_optional(_floats(0, 1e15)))
        projects.append(dict(
            code=code, **link, title=draw(_text(40)), sector=draw(st.sampled_from(SECTORS)),
            start_year=year, end_year=draw(_optional(st.integers(year, 2100))), budget=budget,
            currency=draw(st.sampled_from(CURRENCIES)) if budget is not None else None,
            status=draw(st.sampled_from(codes.PROJECT_STATUSES))))

    def some(make, key: tuple[str, ...], max_size: int = 4) -> list[dict]:
        return _unique([make() for _ in range(draw(st.integers(0, max_size)))], key)

    def output() -> dict:
        return dict(project=draw(st.sampled_from(project_codes)), indicator=draw(_text()),
                    unit=draw(_text()), year=draw(YEARS),
                    **{k: draw(_optional(_floats(-1e15, 1e15)))
                       for k in ("baseline", "target", "actual")})

    def flow() -> dict:
        link, year = pairing_row()
        return dict(**link, year=year, kind=draw(st.sampled_from(codes.FLOW_KINDS)),
                    amount=draw(_floats(0, 1e15)), currency=draw(st.sampled_from(CURRENCIES)),
                    sector=draw(st.sampled_from(SECTORS)),
                    project=draw(_optional(st.sampled_from(project_codes))),
                    source=draw(_optional(_text(60))), ref=draw(_optional(_text())))

    def personnel() -> dict:
        link, year = pairing_row()
        return dict(**link, year=year, category=draw(st.sampled_from(codes.PERSONNEL_CATEGORIES)),
                    headcount=draw(st.integers(0, 10**7)),
                    person_months=draw(_optional(_floats(0, 1e9))), source=draw(_optional(_text())))

    def enterprise() -> dict:
        investment = draw(_optional(_floats(0, 1e15)))
        return dict(origin=draw(st.sampled_from(donor_codes)),
                    destination=draw(st.sampled_from(region_codes)), year=draw(YEARS),
                    sector=draw(st.sampled_from(SECTORS)), count=draw(st.integers(1, 10**7)),
                    investment=investment,
                    currency=(draw(st.sampled_from(CURRENCIES)) if investment is not None
                              else draw(_optional(st.sampled_from(CURRENCIES)))),
                    jobs=draw(_optional(st.integers(0, 10**9))), source=draw(_optional(_text())),
                    ref=draw(_optional(_text())))

    indicator_codes = [codes.POPULATION_INDICATOR] + draw(st.lists(
        st.text(CODE_ALPHABET, min_size=1, max_size=12), max_size=2, unique=True).map(
        lambda cs: [c for c in cs if c != codes.POPULATION_INDICATOR]))
    indicators = [dict(code=c, name_en=draw(_text()), name_zh=draw(_optional(_text())),
                       unit=draw(_text()), direction=draw(st.sampled_from((-1, 0, 1))),
                       dimension=draw(_text()),
                       aggregation="sum" if c == codes.POPULATION_INDICATOR
                       else draw(st.sampled_from(codes.AGGREGATIONS)))
                  for c in indicator_codes]

    def observation() -> dict:
        return dict(region=draw(st.sampled_from(region_codes)), year=draw(YEARS),
                    indicator=draw(st.sampled_from(indicator_codes)),
                    value=draw(_floats(-1e15, 1e15)), source=draw(_text()),
                    flag=draw(_optional(_text())))

    def rate() -> dict:
        currency, base = draw(st.lists(st.sampled_from(CURRENCIES), min_size=2, max_size=2,
                                       unique=True))
        return dict(currency=currency, base=base, year=draw(YEARS), rate=draw(_floats(1e-12, 1e12)),
                    source=draw(_optional(_text())))

    def price() -> dict:
        return dict(code=draw(st.text(CODE_ALPHABET, min_size=1, max_size=8)),
                    currency=draw(st.sampled_from(CURRENCIES)), year=draw(YEARS),
                    value=draw(_floats(1e-12, 1e12)), source=draw(_optional(_text())))

    def crosswalk() -> dict:
        return dict(old_code=draw(st.text(CODE_ALPHABET, min_size=1, max_size=10)),
                    new_code=draw(st.sampled_from(region_codes)), year=draw(YEARS),
                    note=draw(_optional(_text())))

    rows = {
        "regions": regions, "crosswalk": some(crosswalk, ("old_code", "new_code")),
        "donors": donors, "pairings": pairings, "projects": projects,
        "outputs": some(output, ("project", "indicator", "year")),
        "flows": some(flow, ("_pairing", "year", "kind", "sector", "ref")),
        "personnel": some(personnel, ("_pairing", "year", "category")),
        "enterprises": some(enterprise, ("origin", "destination", "year", "sector", "ref")),
        "indicators": indicators,
        "observations": some(observation, ("region", "year", "indicator")),
        "rates": some(rate, ("currency", "base", "year")),
        "prices": some(price, ("code", "year")),
    }
    frames = {}
    for name, table in rows.items():
        if table:
            frame = pd.DataFrame(table).drop(columns="_pairing", errors="ignore")
            frames[name] = frame.astype(object).where(frame.notna(), None)
    return frames


@pytest.fixture(scope="module")
def empty_ledger_file(tmp_path_factory) -> Path:
    """A migrated empty SQLite ledger, copied for each fresh ledger (migrating takes longer)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    Store.open(path).close()
    return path


def _fresh(template: Path, directory: Path, name: str) -> Store:
    path = directory / f"{name}.db"
    shutil.copy(template, path)
    return Store.open(path)


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {name: store.read_table(name) for name in TABLE_ORDER}


def _round_trip(store: Store, fresh, directory: Path, formats=FORMATS) -> None:
    """Export every table of `store` in every format, import each format into a fresh ledger in
    TABLE_ORDER, and require every table to come back identical."""
    original = _snapshot(store)
    for suffix in formats:
        target = fresh(suffix.lstrip("."))
        try:
            for name in TABLE_ORDER:
                if original[name].empty:
                    continue  # a header-only file is rejected: there is nothing to import
                path = write_frame(original[name], directory / suffix.lstrip(".") / f"{name}{suffix}")
                import_file(target, name, path)
            for name, frame in _snapshot(target).items():
                pd.testing.assert_frame_equal(frame, original[name], check_exact=True,
                                              obj=f"{name} via {suffix}")
        finally:
            target.close()


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(frames=ledgers())
def test_export_then_import_is_the_identity(frames, empty_ledger_file: Path):
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        store = _fresh(empty_ledger_file, directory, "original")
        try:
            import_frames(store, frames, source="generated")
            _round_trip(store, lambda name: _fresh(empty_ledger_file, directory, name), directory)
        finally:
            store.close()


def test_mini_ledger_round_trips_on_each_backend(store: Store, tmp_path: Path):
    load_mini(store)
    with ExitStack() as stack:
        _round_trip(store, lambda _: stack.enter_context(fresh_ledger(store.backend, tmp_path)),
                    tmp_path)
