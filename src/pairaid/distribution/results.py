"""Results of an inequality analysis: frozen, with `summary`, `tidy()`, `to_json()` and a
plain-language reading under every figure."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd

from pairaid.jsonable import records as _records
from pairaid.distribution.disclosure import SuppressedTable
from pairaid.provenance import SYNTHETIC_NOTE, package_version as _version
from pairaid.results import ResultsMixin


#: the two Theil indices a decomposition can be of
TheilIndex = Literal["theil_t", "theil_l"]


@dataclass(frozen=True)
class Decomposition:
    """Theil index = between + within; ``groups``: group, n_units, population_share,
    value_share, mean, theil (within the group), contribution (to ``within``)."""
    index: TheilIndex
    total: float
    between: float
    within: float
    groups: pd.DataFrame

    @property
    def between_share(self) -> float:
        return self.between / self.total if self.total > 0 else 0.0


@dataclass(frozen=True)
class ConcentrationIndex:
    """Concentration index of a value ranked by another variable, with its standard error."""
    index: float
    std_error: float
    n: int



@dataclass(frozen=True)
class InequalityResult(ResultsMixin):
    value: str
    weight: str | None
    group: str | None
    rank_by: str | None
    n_units: int
    n_dropped: int
    gini: float
    theil_t: float
    #: None when undefined (zero values); the reason is in `notes`
    theil_l: float | None
    #: "theil_t" / "theil_l" → exact between/within decomposition by `group`
    decompositions: dict[str, Decomposition]
    concentration: ConcentrationIndex | None
    #: Gini of the ranking (need) variable, for the Kakwani-style comparison
    need_gini: float | None
    lorenz: pd.DataFrame
    concentration_curve: pd.DataFrame | None
    #: the group breakdown with small-cell suppression applied (what may be published)
    group_table: SuppressedTable | None
    notes: tuple[str, ...]
    synthetic: bool = False
    unit_label: str = "unit"
    group_label: str = "group"
    context: str = ""
    #: the year measured, when the table had several (`one_year`)
    year: int | None = None

    # -- views ---------------------------------------------------------------------------------
    @property
    def concentration_index(self) -> float | None:
        return self.concentration.index if self.concentration else None

    @property
    def concentration_se(self) -> float | None:
        return self.concentration.std_error if self.concentration else None

    @property
    def kakwani(self) -> float | None:
        """Concentration index of the value minus the Gini of the need variable."""
        if self.concentration is None or self.need_gini is None:
            return None
        return self.concentration.index - self.need_gini

    @cached_property
    def provenance(self) -> dict:
        return {"method": "population-weighted Gini, Theil T/L (Shorrocks decomposition), "
                          "concentration index with convenient-regression HC1 SE (O'Donnell et "
                          "al. 2008, ch. 8)",
                "value": self.value, "weight": self.weight, "group": self.group,
                "rank_by": self.rank_by, "pairaid": _version(), "numpy": np.__version__,
                "pandas": pd.__version__, "synthetic": self.synthetic}

    def published_groups(self, index: str) -> pd.DataFrame:
        """The decomposition's group rows with the suppressed groups' figures withheld."""
        groups = self.decompositions[index].groups.copy()
        if self.group_table is not None:
            hidden = self.group_table.table.set_index("group")["suppressed"]
            mask = groups["group"].map(hidden).fillna("").ne("").to_numpy()
            for column in ("population_share", "value_share", "mean", "theil", "contribution"):
                groups[column] = groups[column].where(~mask)
            groups["suppressed"] = groups["group"].map(hidden).fillna("")
        return groups

    # -- plain language ------------------------------------------------------------------------
    def interpretation(self) -> dict[str, str]:
        """One sentence per figure."""
        units = _plural(self.unit_label)
        out = {"gini": (f"Gini {self.gini:.3f}: two people picked at random (across all "
                        f"{units}) differ in {self.value} by {2 * self.gini:.2f}× the mean on "
                        f"average (0 = every {self.unit_label} gets the same per person).")}
        for key, name in (("theil_t", "Theil T"), ("theil_l", "Theil L")):
            total = getattr(self, key)
            if total is None:
                out[key] = f"{name} undefined: some {units} have {self.value} = 0 (see notes)."
                continue
            part = self.decompositions.get(key)
            if part is None or total == 0:
                out[key] = (f"{name} {total:.3f}" + (" (all equal)." if total == 0 else
                                                      f": 0 would mean all {units} equal."))
                continue
            out[key] = (f"{name} {total:.3f}: {part.between:.3f} of it ({part.between_share:.0%})"
                        f" lies between {self.group_label}s, the rest within them.")
        if self.concentration is not None:
            c = self.concentration
            if abs(c.index) < 0.01:
                where = f"spread about in proportion to population along {self.rank_by}"
            elif c.index < 0:
                where = (f"concentrated among {units} with lower {self.rank_by} (pro-poor "
                         "when that is income)")
            else:
                where = f"concentrated among {units} with higher {self.rank_by}"
            out["concentration_index"] = (f"Concentration index {c.index:.3f} (SE "
                                          f"{c.std_error:.3f}): {self.value} is {where}.")
        if self.kakwani is not None:
            verdict = ("more toward the low end than " if self.kakwani < 0 else
                       "less toward the low end than ")
            out["kakwani"] = (f"Against the Gini of {self.rank_by} ({self.need_gini:.3f}): "
                              f"C − G = {self.kakwani:.3f}, so {self.value} is distributed "
                              f"{verdict}{self.rank_by} itself"
                              + (" — it narrows the gap." if self.kakwani < 0 else
                                 " — it does not narrow the gap."))
        return out

    # -- outputs -------------------------------------------------------------------------------
    def tidy(self) -> pd.DataFrame:
        """term, estimate, std_error, interpretation."""
        reading = self.interpretation()
        rows = [("gini", self.gini, np.nan, reading["gini"]),
                ("theil_t", self.theil_t, np.nan, reading["theil_t"]),
                ("theil_l", self.theil_l if self.theil_l is not None else np.nan, np.nan,
                 reading["theil_l"])]
        for key, part in self.decompositions.items():
            rows += [(f"{key}_between", part.between, np.nan, ""),
                     (f"{key}_within", part.within, np.nan, "")]
        if self.concentration is not None:
            rows.append(("concentration_index", self.concentration.index,
                         self.concentration.std_error, reading["concentration_index"]))
            rows += [("need_gini", self.need_gini, np.nan, ""),
                     ("kakwani", self.kakwani, np.nan, reading.get("kakwani", ""))]
        return pd.DataFrame(rows, columns=["term", "estimate", "std_error", "interpretation"])

    def to_dict(self) -> dict:
        decomposition = {
            key: {"between": part.between, "within": part.within, "total": part.total,
                  "groups": _records(self.published_groups(key))}
            for key, part in self.decompositions.items()}
        return {
            "value": self.value, "weight": self.weight, "group": self.group,
            "rank_by": self.rank_by, "context": self.context,
            "gini": self.gini, "theil_t": self.theil_t, "theil_l": self.theil_l,
            "between": {k: v["between"] for k, v in decomposition.items()},
            "within": {k: v["within"] for k, v in decomposition.items()},
            "decomposition": decomposition,
            "concentration_index": self.concentration_index,
            "concentration_se": self.concentration_se,
            "need_gini": self.need_gini, "kakwani": self.kakwani,
            "n_units": self.n_units, "n_dropped": self.n_dropped,
            "interpretation": self.interpretation(),
            "lorenz": _records(self.lorenz),
            "concentration_curve": (_records(self.concentration_curve)
                                    if self.concentration_curve is not None else None),
            "group_table": (_records(self.group_table.table)
                            if self.group_table is not None else None),
            "disclosure": self.group_table.to_dict() if self.group_table is not None else None,
            "notes": list(self.notes) + ([SYNTHETIC_NOTE] if self.synthetic else []),
            "synthetic": self.synthetic,
            "provenance": self.provenance,
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    # -- display ---------------------------------------------------------------------------------
    @cached_property
    def summary(self) -> str:
        reading = self.interpretation()
        weight = f", weighted by {self.weight}" if self.weight else ", unweighted"
        lines = [f"Inequality of {self.value}{weight}" + (f" — {self.context}" if self.context
                                                          else ""),
                 f"  {self.n_units} {_plural(self.unit_label)}, {self.n_dropped} dropped "
                 "(missing)", ""]
        if self.synthetic:
            lines.insert(0, SYNTHETIC_NOTE)
        tidy = self.tidy()
        for term, estimate, se, _ in tidy.itertuples(index=False):
            shown = "undefined" if pd.isna(estimate) else f"{estimate:.4f}"
            error = f"  (SE {se:.4f})" if pd.notna(se) else ""
            lines.append(f"  {term:<22}{shown:>10}{error}")
            if term in reading:
                lines.append(f"      {reading[term]}")
        if self.group_table is not None:
            shown = self.group_table.table
            lines += ["", f"By {self.group_label} (small cells suppressed, k="
                          f"{self.group_table.k}):",
                      shown.to_string(index=False, float_format=lambda v: f"{v:,.4g}",
                                      na_rep="—")]
            lines += [f"  {n}" for n in self.group_table.notes]
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary

    def _repr_html_(self) -> str:
        tidy = self.tidy()
        parts = ([f"<p><strong>{html.escape(SYNTHETIC_NOTE)}</strong></p>"] if self.synthetic
                 else [])
        parts.append(f"<p>Inequality of {html.escape(self.value)}: {self.n_units} "
                     f"{html.escape(_plural(self.unit_label))}, {self.n_dropped} dropped</p>")
        parts.append(tidy.to_html(index=False, float_format="%.4f", na_rep="—"))
        if self.group_table is not None:
            parts.append(self.group_table.table.to_html(index=False, float_format="%.4g",
                                                        na_rep="—"))
            parts += [f"<p>{html.escape(n)}</p>" for n in self.group_table.notes]
        parts += [f"<p>note: {html.escape(n)}</p>" for n in self.notes]
        return "".join(parts)


def _plural(noun: str) -> str:
    return noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
