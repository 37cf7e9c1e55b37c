"""The only bridge between indices and the ledger: read the panel in, write the score back."""

from __future__ import annotations

from pathlib import Path

from pairaid.measure.index import build_index
from pairaid.measure.results import IndexResult
from pairaid.measure.spec import IndexSpec


def index_from_ledger(store, spec: IndexSpec | str | Path, level: str = "county",
                      year_from: int | None = None, year_to: int | None = None) -> IndexResult:
    """Build the index on the ledger's unit × year panel (`pairaid.panel.build_panel`)."""
    from pairaid.panel import build_panel

    panel = build_panel(store, level, year_from, year_to)
    return build_index(panel.frame, spec, unit="unit", time="year", synthetic=panel.synthetic)


def with_index_score(frame, spec: IndexSpec | str | Path, column: str, synthetic: bool = False):
    """The panel `frame` (unit, year) with the index score added as `column`, so an evaluation
    can use the index as its outcome."""
    index = build_index(frame, spec, unit="unit", time="year", synthetic=synthetic)
    scores = index.table[["unit", "time", "score"]].rename(
        columns={"time": "year", "score": column})
    return frame.merge(scores, on=["unit", "year"], how="left")


def write_index(store, result: IndexResult, code: str | None = None, name: str | None = None):
    """Store the score as an indicator with one observation per scored unit-year (upsert), so
    later evaluations can use it as an outcome. Returns the import reports."""
    from pairaid.ingest import import_frames

    frames = result.to_ledger_frames(code, name)
    return import_frames(store, frames, mode="upsert", source="index")
