"""Small-cell suppression: primary, secondary, and no suppressed cell recoverable from a total."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pairaid.distribution import DisclosureError, suppress

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _one_way() -> pd.DataFrame:
    return pd.DataFrame({"group": ["A", "B", "C", "D"], "n_units": [10, 2, 5, 4],
                         "funds": [100.0, 30.0, 50.0, 45.0]})


def test_primary_and_secondary_suppression():
    result = suppress(_one_way(), "n_units", ["funds"], k=3)
    status = result.table.set_index("group")["suppressed"]
    assert status["B"] == "primary"
    assert status["D"] == "secondary"  # the next-smallest cell (fewest units)
    assert status[["A", "C"]].eq("").all()
    assert result.table.set_index("group")["funds"][["B", "D"]].isna().all()
    assert result.n_primary == 1 and result.n_secondary == 1
    reasons = {c.cell["group"]: c for c in result.suppressed}
    assert "fewer than 3 units" in reasons["B"].detail
    assert "grand total" in reasons["D"].detail and "group=B" in reasons["D"].detail
    assert any("suppressed group=B" in n for n in result.notes)


def test_suppressed_cell_cannot_be_recovered_from_the_row_total():
    table = _one_way()
    grand_total = table["funds"].sum()  # published beside the table
    result = suppress(table, "n_units", ["funds"], k=3)
    published = result.table["funds"]
    unknown = published.isna()
    # one equation (the total) with two unknowns: B + D = 225 − (100 + 50) = 75, and the pair
    # (30, 45) is one of infinitely many solutions, so neither cell is determined
    assert result.table.loc[unknown, "group"].tolist() == ["B", "D"]
    assert published[~unknown].tolist() == [100.0, 50.0]  # A and C published unchanged
    assert grand_total - published.sum() == 75.0


def test_nothing_to_suppress_and_k():
    result = suppress(_one_way(), "n_units", ["funds"], k=2)
    assert not result.suppressed and result.table["funds"].notna().all()
    assert "nothing suppressed" in result.notes[0]
    with pytest.raises(DisclosureError):
        suppress(_one_way(), "n_units", ["nope"])
    with pytest.raises(DisclosureError):
        suppress(_one_way().assign(n_units=[1, None, 3, 4]), "n_units", ["funds"])


def test_empty_cells_disclose_nothing_and_do_not_protect():
    table = pd.DataFrame({"group": ["A", "B", "C"], "n_units": [0, 1, 9],
                          "funds": [0.0, 7.0, 90.0]})
    result = suppress(table, "n_units", ["funds"])
    status = result.table.set_index("group")["suppressed"]
    assert status["A"] == "" and status["B"] == "primary" and status["C"] == "secondary"


def test_two_way_margins():
    table = pd.DataFrame({"prefecture": ["P", "P", "P", "Q", "Q", "Q"],
                          "minority": ["low", "mid", "high"] * 2,
                          "n_units": [2, 6, 7, 5, 8, 9],
                          "funds": [10.0, 20, 30, 40, 50, 60]})
    result = suppress(table, "n_units", ["funds"], dimensions=["prefecture", "minority"])
    hidden = result.table["suppressed"].ne("")
    _assert_no_margin_has_one_hidden(result.table, hidden, ["prefecture", "minority"])
    assert hidden.sum() == 4  # (P,low) primary; its row, its column, then the last margin


def _assert_no_margin_has_one_hidden(table, hidden, dims):
    for dim in dims:
        others = [d for d in dims if d != dim]
        per_total = hidden.groupby([table[d] for d in others]).sum() if others else [hidden.sum()]
        assert all(n != 1 for n in per_total)


@FAST
@given(counts=st.lists(st.integers(1, 12), min_size=1, max_size=12), k=st.integers(1, 5))
def test_no_total_ever_holds_exactly_one_suppressed_cell(counts, k):
    table = pd.DataFrame({"group": [f"g{i}" for i in range(len(counts))], "n_units": counts,
                          "funds": np.arange(1.0, len(counts) + 1)})
    result = suppress(table, "n_units", ["funds"], k=k)
    hidden = result.table["suppressed"].ne("")
    assert (hidden[np.array(counts) < k]).all()
    if len(counts) > 1:
        assert hidden.sum() != 1
    else:  # a lone suppressed cell equals the total: the total itself is withheld
        assert bool(hidden.sum()) == bool(result.withheld_totals)


@FAST
@given(counts=st.lists(st.integers(1, 9), min_size=6, max_size=6))
def test_two_way_property(counts):
    table = pd.DataFrame({"r": list("aabbcc"), "c": list("xyxyxy"), "n_units": counts,
                          "funds": np.arange(6.0)})
    result = suppress(table, "n_units", ["funds"], dimensions=["r", "c"])
    hidden = result.table["suppressed"].ne("")
    _assert_no_margin_has_one_hidden(result.table, hidden, ["r", "c"])
