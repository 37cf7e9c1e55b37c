"""Corrections without hand-editing the database (issue 12): `pairaid delete` and the changes
an upsert reports, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from pairaid.cli.main import app
from pairaid.ingest import import_frames
from pairaid.ledger.corrections import CorrectionError, delete_rows

from hand_ledger import hand_frames


@pytest.fixture
def ledger(store):
    import_frames(store, hand_frames(), source="test")
    return store


def test_delete_names_the_rows_and_a_dry_run_removes_nothing(ledger):
    before = ledger.counts()["flow"]
    dry = delete_rows(ledger, "flows", ["recipient=a1", "year=2020"], dry_run=True)
    assert dry.count == 2 and sorted(dry.rows["amount"]) == [10.0, 100.0]
    assert str(dry) == "flows: would delete 2 rows"
    assert ledger.counts()["flow"] == before
    done = delete_rows(ledger, "flows", ["recipient=a1", "year=2020"])
    assert done.count == 2 and ledger.counts()["flow"] == before - 2
    assert sorted(delete_rows(ledger, "flows", ["amount>=500"]).rows["amount"]) == [500.0, 1000.0]
    assert ledger.counts()["flow"] == before - 4


def test_a_delete_other_rows_depend_on_removes_nothing(ledger):
    counts = ledger.counts()
    with pytest.raises(CorrectionError, match="nothing was deleted: other rows still refer"):
        delete_rows(ledger, "pairings", ["donor=D"])
    assert ledger.counts() == counts


@pytest.mark.parametrize("where,message", [
    ([], "give at least one --where"), (["colour=red"], "flows has no column 'colour'"),
    (["year=soon"], "year holds year values, not 'soon'"), (["year"], "write COLUMN=VALUE"),
])
def test_bad_conditions_are_clear_errors(ledger, where, message):
    with pytest.raises(CorrectionError, match=message):
        delete_rows(ledger, "flows", where)


def test_upsert_reports_what_changed_row_by_row(ledger):
    observations = pd.DataFrame({"region": ["a1", "a1", "b1"], "year": [2020, 2021, 2019],
                                 "indicator": ["gdp", "gdp", "gdp"], "value": [10.0, 99.0, 7.0],
                                 "source": ["test", "test", "test"]})
    report, = import_frames(ledger, {"observations": observations}, mode="upsert",
                            source="fix")
    changes = pd.DataFrame(list(report.changes))
    by_change = changes.groupby("change").size().to_dict()
    assert by_change == {"new": 1, "unchanged": 1, "updated": 1}
    updated = changes[changes["change"] == "updated"].iloc[0]
    assert (updated["region_code"], updated["year"], updated["column"], updated["before"],
            updated["after"]) == ("a1", 2021, "value", 11.0, 99.0)
    assert updated["_row"] == 3  # the file's row (header = row 1)
    assert "1 new, 1 updated (1 cells), 1 unchanged" in str(report)
    assert ("row 3: region_code=a1, year=2021, indicator_code=gdp: updated value: 11.0 -> 99.0"
            in str(report))


def test_delete_from_the_cli(tmp_path):
    from pairaid.ledger import Store

    path = tmp_path / "l.db"
    with Store.open(path) as store:
        import_frames(store, hand_frames(), source="test")
    runner = CliRunner()
    dry = runner.invoke(app, ["delete", "flows", "--where", "donor=D", "--where", "year=2021",
                              "--dry-run", "--db", str(path), "--json"])
    assert dry.exit_code == 0, dry.output
    payload = json.loads(dry.stdout)
    assert payload["matched"] == 2 and payload["deleted"] == 0
    bad = runner.invoke(app, ["delete", "pairings", "--where", "donor=D", "--db", str(path)])
    assert bad.exit_code == 2 and "nothing was deleted" in bad.output
    done = runner.invoke(app, ["delete", "flows", "--where", "year=2021", "--db", str(path)])
    assert done.exit_code == 0 and "flows: deleted 2 rows" in done.stdout
