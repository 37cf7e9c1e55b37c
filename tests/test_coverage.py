"""Coverage honesty (issue 12): a pairing-year without flows is missing, not zero, unless the
ledger is declared complete for it. On SQLite and PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest

from pairaid.coverage import declare_complete, flow_coverage, withdraw
from pairaid.errors import InputError
from pairaid.ingest import import_frames
from pairaid.panel import build_panel

from hand_ledger import hand_frames


@pytest.fixture
def ledger(store):
    import_frames(store, hand_frames(), source="test")
    return store


def _row(panel, unit, year):
    frame = panel.frame
    return frame[(frame["unit"] == unit) & (frame["year"] == year)].iloc[0]


def test_a_pairing_year_without_flows_is_missing_unless_declared_complete(ledger):
    # D→a1 starts in 2019 and has no flow that year
    panel = build_panel(ledger, "county", 2019, 2021)
    a1 = _row(panel, "a1", 2019)
    assert np.isnan(a1["funds_disbursement"]) and np.isnan(a1["funds_per_capita"])
    assert a1["flow_coverage"] == "not_recorded"
    assert _row(panel, "a1", 2020)["funds_disbursement"] == pytest.approx(170)
    # 2021: a1 has a commitment only; its disbursement is a recorded zero, not a gap
    assert _row(panel, "a1", 2021)["funds_disbursement"] == 0
    # b1 has no pairing at all: zero by construction, and labelled so
    assert _row(panel, "b1", 2019)["funds_disbursement"] == 0
    assert _row(panel, "b1", 2019)["flow_coverage"] == "no_pairing"
    assert panel.funds_missing == 1
    assert any("missing (not zero) for 1 unit-years" in n for n in panel.notes)

    spans = declare_complete(ledger, donor="D", recipient="a1", year_from=2019, year_to=2019,
                             source="office confirms no transfer in 2019")
    assert spans["new"].tolist() == [True]
    declared = build_panel(ledger, "county", 2019, 2021)
    assert _row(declared, "a1", 2019)["funds_disbursement"] == 0
    assert _row(declared, "a1", 2019)["flow_coverage"] == "recorded"
    assert declared.funds_missing == 0
    # declaring again adds nothing; withdrawing brings the gap back
    assert declare_complete(ledger, donor="D", recipient="a1", year_from=2019,
                            year_to=2019)["new"].tolist() == [False]
    assert withdraw(ledger, donor="D", recipient="a1") == 1
    assert np.isnan(_row(build_panel(ledger, "county", 2019, 2021), "a1", 2019)
                    ["funds_disbursement"])


def test_a_partly_recorded_prefecture_year_is_missing(ledger):
    # prefecture A in 2021: D→a1 has a flow, the prefecture-wide D→A has none
    panel = build_panel(ledger, "prefecture", 2020, 2021)
    a = _row(panel, "A", 2021)
    assert a["flow_coverage"] == "partly_recorded" and np.isnan(a["funds_commitment"])
    assert _row(panel, "A", 2020)["funds_disbursement"] == pytest.approx(1170)


def test_the_coverage_statement_counts_pairing_years(ledger):
    coverage = flow_coverage(ledger, 2019, 2021)
    # active pairing-years: a1 2019-21 (3), A 2020-21 (2), X 2021 (1) = 6; with flows:
    # a1 2020, a1 2021, A 2020, X 2021 = 4; not recorded: a1 2019, A 2021
    assert (coverage.pairing_years, coverage.recorded, coverage.not_recorded) == (6, 4, 2)
    assert (coverage.pairings, coverage.pairings_with_flows) == (3, 3)
    assert coverage.statement.startswith("flows recorded for 3 of 3 pairings, 2019–2021; "
                                         "2 pairing-years not recorded")
    assert sorted(zip(coverage.missing["recipient"], coverage.missing["year"])) == [
        ("A", 2021), ("a1", 2019)]
    declare_complete(ledger)  # every pairing, start to the ledger's last year
    after = flow_coverage(ledger, 2019, 2021)
    assert (after.not_recorded, after.declared_complete) == (0, 2)
    assert "2 pairing-years without flows declared complete" in after.statement


def test_declaring_an_unknown_pairing_is_an_input_error(ledger):
    with pytest.raises(InputError, match="no pairing matches donor ZZ"):
        declare_complete(ledger, donor="ZZ")


def test_an_estimate_drops_names_and_counts_unrecorded_unit_years(report_demo_db, tmp_path):
    import shutil

    import pairaid
    from pairaid.ledger.corrections import delete_rows

    path = tmp_path / "demo.db"
    shutil.copy(report_demo_db, path)
    with pairaid.open(path) as ledger:
        complete = ledger.estimate(outcome="sai_latent")
        assert complete.notes[-1].startswith("Coverage: flows recorded for 96 of 96 pairings")
        # a gap: every flow of one paired county in 2016, and no statement that it is complete
        before = ledger.panel().frame
        county = before.query("year == 2016 and flow_coverage == 'recorded' and "
                              "funds_disbursement > 0")["unit"].iloc[0]
        assert delete_rows(ledger.store, "flows", [f"recipient={county}", "year=2016"]).count
        withdraw(ledger.store)
        panel = ledger.panel()
        row = panel.frame[(panel.frame["unit"] == county) & (panel.frame["year"] == 2016)]
        assert row["flow_coverage"].item() == "not_recorded"
        assert np.isnan(row["funds_per_capita"].item())
        gap = ledger.estimate(outcome="sai_latent")
    assert gap.nobs == complete.nobs - 1
    assert gap.notes[-2].startswith("Coverage: flows recorded for 96 of 96 pairings")
    assert "1 pairing-years not recorded" in gap.notes[-2]
    assert gap.notes[-1] == (f"1 unit-years dropped because funds_per_capita is not recorded "
                             f"(e.g. {county} 2016).")


def test_summary_panel_and_coverage_commands_state_the_coverage(tmp_path):
    import json

    from typer.testing import CliRunner

    from pairaid.cli.main import app
    from pairaid.ledger import Store

    path = tmp_path / "l.db"
    with Store.open(path) as store:
        import_frames(store, hand_frames(), source="test")
    runner = CliRunner()
    summary = runner.invoke(app, ["summary", "--db", str(path), "--from", "2019", "--to", "2021"])
    assert summary.exit_code == 0, summary.output
    assert ("Coverage: flows recorded for 3 of 3 pairings, 2019–2021; 2 pairing-years not "
            "recorded") in " ".join(summary.stdout.split())
    panel = json.loads(runner.invoke(app, ["panel", "--db", str(path), "--from", "2019",
                                           "--json"]).stdout)
    assert panel["coverage"]["not_recorded"] == 2
    declared = runner.invoke(app, ["coverage", "set", "--db", str(path), "--donor", "D",
                                   "--recipient", "a1", "--from", "2019", "--to", "2019",
                                   "--json"])
    assert declared.exit_code == 0, declared.output
    payload = json.loads(declared.stdout)
    assert payload["declared"] == [{"donor": "D", "recipient": "a1", "round": 2010,
                                    "year_from": 2019, "year_to": 2019, "new": True}]
    shown = json.loads(runner.invoke(app, ["coverage", "show", "--db", str(path), "--from",
                                           "2019", "--to", "2021", "--json"]).stdout)
    assert (shown["not_recorded"], shown["declared_complete"], shown["declared_spans"]) == (1, 1, 1)
    unknown = runner.invoke(app, ["coverage", "set", "--db", str(path), "--donor", "ZZ"])
    assert unknown.exit_code == 2 and "no pairing matches donor ZZ" in unknown.output


def test_dependence_drops_unrecorded_assistance_instead_of_counting_it_as_zero():
    import pandas as pd

    from pairaid.distribution.dependence import dependence

    frame = pd.DataFrame({"unit": ["a", "a", "b"], "year": [2020, 2021, 2020],
                          "funds_disbursement": [10.0, np.nan, 0.0],
                          "fiscal_revenue": [5.0, 5.0, 30.0],
                          "fiscal_expenditure": [100.0, 100.0, 40.0]})
    result = dependence(frame)
    assert len(result.table) == 2 and 2021 not in set(result.table["year"])
    assert any(n.startswith("1 unit-years dropped: assistance not recorded (missing, not "
                            "zero; e.g. a 2021)") for n in result.notes)


def test_coverage_imports_and_exports_as_a_table(ledger):
    import pandas as pd

    from pairaid.ingest import ImportValidationError

    spans = pd.DataFrame({"donor": ["D"], "recipient": ["a1"], "year_from": [2019],
                          "year_to": [2019], "source": ["office return"]})
    report, = import_frames(ledger, {"coverage": spans}, source="office")
    assert report.rows == 1
    assert _row(build_panel(ledger, "county", 2019, 2021), "a1", 2019)["funds_disbursement"] == 0
    exported = ledger.read_table("coverage")
    assert exported[["donor", "recipient", "year_from", "year_to", "source"]].values.tolist() == [
        ["D", "a1", 2019, 2019, "office return"]]
    # a span before the pairing began names its row and writes nothing
    early = spans.assign(year_from=[2012], year_to=[2013])
    with pytest.raises(ImportValidationError, match="covers year_from 2012"):
        import_frames(ledger, {"coverage": early}, source="office")
    assert len(ledger.read_table("coverage")) == 1
