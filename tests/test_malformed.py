"""Every malformed file is rejected with each bad cell reported, and nothing is written.

Every case must leave the ledger exactly as it was, so the cases share one mini ledger per backend
(loading a fresh one per case would triple the run time); a case that wrote anything fails its own
assertions on `counts()` and on the table's content.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from helpers import load_mini, mini_ledger_frames
from malformed_corpus import MANY_BAD_ROWS, Case, write_corpus
from pairaid.ingest import ImportValidationError, import_file
from pairaid.ingest.errors import SHOWN_PROBLEMS
from pairaid.ledger import Store


def _cases() -> list[Case]:
    with tempfile.TemporaryDirectory() as scratch:  # written once at collection for the names
        return write_corpus(scratch)


ALL_CASES = _cases()
LINE = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<column>[^:]*): (?P<reason>.+)$")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("corpus")
    write_corpus(directory)
    return directory


def test_corpus_is_large_enough():
    assert len(ALL_CASES) >= 35
    assert len({c.filename.rsplit(".", 1)[1] for c in ALL_CASES}) >= 5  # csv, xlsx, parquet, ...


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.filename)
def test_malformed_file_is_rejected_and_nothing_written(mini_store: Store, corpus: Path,
                                                         case: Case):
    store = mini_store
    counts = store.counts()
    before = store.read_table(case.table)

    with pytest.raises(ImportValidationError) as caught:
        import_file(store, case.table, corpus / case.filename)
    error = caught.value

    found = {(p.row, p.column, p.reason) for p in error.problems}
    for row, column, reason in case.expected:
        assert any(r == row and c == column and reason in why for r, c, why in found), (
            f"expected {row}:{column}: …{reason}… among\n{error.message()}")
    # and nothing else: a false problem next to the expected ones fails too
    extra = [f"{r}:{c}: {why}" for r, c, why in sorted(found) if not any(
        r == row and c == column and reason in why for row, column, reason in case.expected)]
    assert not extra, f"{case.filename}: problems not expected: {extra}"
    assert all(p.file.startswith(case.filename) for p in error.problems)

    lines = str(error).splitlines()
    assert lines[-1] == "Nothing was written to the ledger."
    listed = lines[:-1]
    if len(error.problems) > SHOWN_PROBLEMS:
        hidden = len(error.problems) - SHOWN_PROBLEMS
        assert listed[-1] == f"... and {hidden} more problems ({len(error.problems)} in all)"
        listed = listed[:-1]
    assert len(listed) == min(len(error.problems), SHOWN_PROBLEMS)
    for line, problem in zip(listed, error.problems):
        match = LINE.match(line)
        assert match, f"not FILE:ROW:COLUMN: reason: {line!r}"
        assert match["file"].startswith(case.filename)
        assert (int(match["row"]), match["column"], match["reason"]) == (
            problem.row, problem.column, problem.reason)

    assert store.counts() == counts
    pd.testing.assert_frame_equal(store.read_table(case.table), before)


def test_many_bad_rows_list_fifty_then_a_count(sqlite_store, corpus: Path):
    load_mini(sqlite_store)
    with pytest.raises(ImportValidationError) as caught:
        import_file(sqlite_store, "observations", corpus / "observations_80_bad_rows.csv")
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == MANY_BAD_ROWS
    assert len(lines) == SHOWN_PROBLEMS + 2
    assert lines[0].startswith("observations_80_bad_rows.csv:2:value: ")
    assert lines[SHOWN_PROBLEMS - 1].startswith(f"observations_80_bad_rows.csv:{SHOWN_PROBLEMS + 1}:")
    assert lines[SHOWN_PROBLEMS] == (f"... and {MANY_BAD_ROWS - SHOWN_PROBLEMS} more problems "
                                     f"({MANY_BAD_ROWS} in all)")


def test_dry_run_of_a_malformed_file_reports_the_same_problems(sqlite_store, corpus: Path):
    load_mini(sqlite_store)
    path = corpus / "flows_inf_nan.csv"
    with pytest.raises(ImportValidationError) as real:
        import_file(sqlite_store, "flows", path)
    with pytest.raises(ImportValidationError) as dry:
        import_file(sqlite_store, "flows", path, dry_run=True)
    assert dry.value.problems == real.value.problems


def test_uncovered_year_lists_only_that_pairs_rounds(sqlite_store):
    # kills ingest.validate.x__resolve_pairings__mutmut_193 (the rounds of every pairing of the
    # donor *or* the recipient listed): Beijing is given a second recipient, whose round must not
    # appear in the message about Beijing and Hotan City
    from pairaid.ingest import import_frames
    from pairaid.ingest.tables import TABLES

    load_mini(sqlite_store)
    pairing = pd.DataFrame([{"donor": "BJ", "recipient": "652901", "start_year": 2019,
                             "end_year": 2020, "round": 2019}])
    import_frames(sqlite_store, {"pairings": pairing}, source="test")
    flow = {c: None for c in TABLES["flows"].column_names}
    flow.update(donor="BJ", recipient="653201", year=1995, kind="commitment", amount=1000.0,
                currency="CNY", sector="111")
    with pytest.raises(ImportValidationError) as caught:
        import_frames(sqlite_store, {"flows": pd.DataFrame([flow])}, source="test")
    [problem] = caught.value.problems
    assert problem.reason == ("no pairing of 'BJ' with '653201' covers year 1995 (pairing "
                              "rounds: 1997: 1997–2009, 2010: 2010–2020)")


def test_without_the_ledger_check_no_row_is_counted_as_existing(sqlite_store):
    # kills ingest.validate.x_validate_table__mutmut_115 (1 existing row reported when the
    # ledger-duplicate check is left to the unique index, as the IATI chunks do): the flow below
    # is already in the mini ledger, but unchecked it is not counted
    from pairaid.ingest.tables import TABLES
    from pairaid.ingest.validate import ROW, validate_table

    load_mini(sqlite_store)
    flows = mini_ledger_frames()["flows"].head(1).assign(**{ROW: 2})
    with sqlite_store.transaction("test", "no ledger check") as conn:
        checked = validate_table(sqlite_store, conn, TABLES["flows"], flows, "flows.csv", "upsert")
        unchecked = validate_table(sqlite_store, conn, TABLES["flows"], flows, "flows.csv",
                                   "upsert", ledger_duplicates=False)
    assert checked[2] == 1 and not checked[1]
    assert unchecked[2] == 0 and not unchecked[1] and len(unchecked[0]) == 1
