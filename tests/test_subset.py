"""A ledger restricted by the dashboard's filters (`pairaid.subset`): the copy holds exactly the
rows each filter keeps, counted here from the source tables, and refuses unknown codes."""

from __future__ import annotations

import pytest

from pairaid.errors import InputError
from pairaid.ledger import Store
from pairaid.subset import Filters, subset_ledger


@pytest.fixture(scope="module")
def demo(report_demo_db):
    with Store.open(report_demo_db, create=False) as store:
        yield store


def _below(regions, code):
    children = regions.groupby("parent_code")["code"].apply(list).to_dict()
    found, todo = set(), [code]
    while todo:
        here = todo.pop()
        found.add(here)
        todo += children.get(here, [])
    return found


def test_every_filter_at_once_keeps_exactly_the_matching_rows(demo, tmp_path):
    regions = demo.read_table("regions")
    flows = demo.read_table("flows")
    prefecture = "653100"  # Kashgar
    inside = _below(regions, prefecture)
    donor = flows.loc[flows["recipient"].isin(inside), "donor"].value_counts().index[0]
    chosen = Filters(prefecture=prefecture, donor=donor, year_from=2014, year_to=2019,
                     sector="311")
    with subset_ledger(demo, chosen, tmp_path / "part.db") as part:
        kept = part.read_table("flows")
        expected = flows[flows["recipient"].isin(inside) & (flows["donor"] == donor)
                         & flows["year"].between(2014, 2019)
                         & flows["sector"].astype(str).str.startswith("311")]
        assert len(kept) == len(expected) > 0
        assert kept["amount"].sum() == pytest.approx(expected["amount"].sum())
        kept_regions = set(part.read_table("regions")["code"])
        assert kept_regions == inside | {"650000"}  # the prefecture, its counties, the province
        observations = part.read_table("observations")
        assert observations["year"].between(2014, 2019).all()
        assert set(observations["region"]) <= kept_regions
        assert set(part.read_table("pairings")["donor"]) == {donor}
        coverage = part.read_table("coverage")
        assert (coverage["year_from"] >= 2014).all() and (coverage["year_to"] <= 2019).all()
        meta = part.meta()
        assert part.is_synthetic()
        assert "published_figures" in demo.meta() and "published_figures" not in meta


def test_a_donor_keeps_every_region_as_the_comparison(demo, tmp_path):
    with subset_ledger(demo, Filters(donor="BJ"), tmp_path / "bj.db") as part:
        assert len(part.read_table("regions")) == len(demo.read_table("regions"))
        flows = demo.read_table("flows")
        assert len(part.read_table("flows")) == int((flows["donor"] == "BJ").sum())


@pytest.mark.parametrize("chosen, message", [
    (dict(donor="XX"), "no donor 'XX'"),
    (dict(prefecture="999999"), "no region '999999'"),
    (dict(prefecture="653121"), "is a county, not a prefecture"),
])
def test_unknown_codes_are_refused_by_name(demo, tmp_path, chosen, message):
    with pytest.raises(InputError, match=message):
        subset_ledger(demo, Filters(**chosen), tmp_path / "never.db")


def test_bad_filters_are_refused_before_any_work():
    with pytest.raises(InputError, match="not a DAC purpose code"):
        Filters(sector="farming")
    with pytest.raises(InputError, match="ends before it starts"):
        Filters(year_from=2020, year_to=2010)
