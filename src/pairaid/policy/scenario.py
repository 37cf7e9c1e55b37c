"""Funding scenarios: change the rule's share or taper the funds, project an outcome some years
ahead from an elasticity with its uncertainty, and meet a physical limit (irrigation water).

The projection is constant-elasticity, `y_t = y_0 (F_t / F_0)^β`, other things equal — a
projection under a stated elasticity, not a forecast. β is drawn from N(β̂, se²) (4,000 draws,
vectorised) so the band carries the elasticity's uncertainty. Water: arid basins are projected to
have less irrigation water each year; the agricultural output money can buy is capped at
`y_0 × headroom × (W_t / W_0)^γ`, and the result says from which year the funds meet that
ceiling. A funds path outside what the data have seen (relative to the base year) is refused
unless the scenario allows extrapolation, and then every such year is flagged.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid import jsonable
from pairaid.policy.commitments import PolicyError

DRAWS = 4000


@dataclass(frozen=True)
class Scenario:
    name: str
    base_year: int
    horizon: int
    share_multiplier: float = 1.0  # the rule's share times this, from the first projected year
    taper: float = 0.0  # funds fall by this share each year
    elasticity: float | None = 0.5  # None: estimate it from the ledger (pairaid estimate)
    elasticity_se: float = 0.0
    outcome: str = "agri_output"
    water_change: float | None = None  # irrigation water, change a year (−0.02 = −2 %)
    water_elasticity: float = 1.0
    headroom: float = 1.2  # the ceiling in the base year, as a multiple of its output
    allow_extrapolation: bool = False
    seed: int = 2024

    def funds_ratio(self) -> np.ndarray:
        """F_t / F_0 for t = base+1 … base+horizon."""
        years = np.arange(1, self.horizon + 1)
        return self.share_multiplier * (1 - self.taper) ** years


def _number(table: dict, key: str, where: str, default=None, low=None, high=None) -> float | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{where}: '{key}' must be a number, not {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise PolicyError(f"{where}: '{key}' = {value} is outside {low}..{high}")
    return float(value)


def load_scenario(path: str | Path) -> Scenario:
    """A scenario file (TOML); the message names the file, section and key on error."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise PolicyError(f"{path}: no such scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{path.name}: not valid TOML: {exc}") from None
    head = data.get("scenario", {})
    funding, elasticity = data.get("funding", {}), data.get("elasticity", {})
    water, outcome = data.get("water"), data.get("outcome", {})
    name = path.name
    horizon = int(_number(head, "horizon", f"{name} [scenario]", 10, 1, 30))
    if "base_year" not in head:
        raise PolicyError(f"{name} [scenario]: missing key 'base_year' (the last observed year)")
    return Scenario(
        name=str(head.get("name", path.stem)),
        base_year=int(_number(head, "base_year", f"{name} [scenario]", low=1949, high=2100)),
        horizon=horizon,
        share_multiplier=_number(funding, "share_multiplier", f"{name} [funding]", 1.0, 0, 10),
        taper=_number(funding, "taper", f"{name} [funding]", 0.0, 0, 0.99),
        elasticity=None if elasticity.get("value") == "estimate" else
        _number(elasticity, "value", f"{name} [elasticity]", 0.5, -5, 5),
        elasticity_se=_number(elasticity, "se", f"{name} [elasticity]", 0.0, 0, 5),
        outcome=str(outcome.get("indicator", "agri_output")),
        water_change=None if water is None else _number(water, "annual_change",
                                                        f"{name} [water]", None, -0.5, 0.5),
        water_elasticity=1.0 if water is None else _number(water, "elasticity", f"{name} [water]",
                                                           1.0, 0, 5),
        headroom=1.2 if water is None else _number(water, "headroom", f"{name} [water]", 1.2, 1, 10),
        allow_extrapolation=bool(head.get("allow_extrapolation", False)),
        seed=int(_number(head, "seed", f"{name} [scenario]", 2024, 0, 2**31)))


@dataclass(frozen=True)
class ScenarioProjection:
    scenario: Scenario
    #: year, funds_ratio, outcome (median), low, high (95 % band), ceiling, capped, extrapolated
    path: pd.DataFrame
    base_funds_yuan: float
    base_outcome: float
    observed_range: tuple[float, float]

    @property
    def first_capped_year(self) -> int | None:
        capped = self.path.loc[self.path["capped"], "year"]
        return int(capped.iloc[0]) if len(capped) else None

    def tidy(self) -> pd.DataFrame:
        return self.path.copy()

    to_frame = tidy

    def to_dict(self) -> dict:
        return {"scenario": self.scenario.name, "base_year": self.scenario.base_year,
                "outcome": self.scenario.outcome, "elasticity": self.scenario.elasticity,
                "elasticity_se": self.scenario.elasticity_se,
                "base_funds_yuan": self.base_funds_yuan, "base_outcome": self.base_outcome,
                "observed_funds_range": list(self.observed_range),
                "first_capped_year": self.first_capped_year,
                "note": "a projection under the stated elasticity, other things equal; not a "
                        "forecast",
                "path": jsonable.records(self.path)}

    def __str__(self) -> str:
        s = self.scenario
        lines = [f"Scenario '{s.name}': {s.outcome} {s.horizon} years after {s.base_year}, "
                 f"elasticity {s.elasticity:g} ± {s.elasticity_se:g} (a projection, not a forecast)"]
        for row in self.path.itertuples(index=False):
            flags = ("  CEILING" if row.capped else "") + ("  extrapolated" if row.extrapolated else "")
            lines.append(f"  {row.year}  funds ×{row.funds_ratio:.2f}  {s.outcome} "
                         f"{row.outcome:,.4g} [{row.low:,.4g}, {row.high:,.4g}]{flags}")
        if self.first_capped_year:
            lines.append(f"  from {self.first_capped_year} the water ceiling binds: more money "
                         "buys no more output")
        return "\n".join(lines)


def project(scenario: Scenario, base_funds_yuan: float, base_outcome: float,
            observed_range: tuple[float, float]) -> ScenarioProjection:
    """The scenario's path (frames and numbers in; the ledger is read in `policy.ledger`)."""
    ratio = scenario.funds_ratio()
    low_seen, high_seen = observed_range
    outside = (ratio < low_seen - 1e-12) | (ratio > high_seen + 1e-12)
    if outside.any() and not scenario.allow_extrapolation:
        year = scenario.base_year + 1 + int(np.argmax(outside))
        raise PolicyError(
            f"scenario '{scenario.name}': in {year} funds would be {ratio[outside][0]:.2f}× the "
            f"{scenario.base_year} level, outside what the data have seen ({low_seen:.2f}×–"
            f"{high_seen:.2f}×); the elasticity says nothing there. Set allow_extrapolation = "
            "true in [scenario] to project anyway (every such year is then flagged)")
    rng = np.random.default_rng(scenario.seed)
    beta = scenario.elasticity + scenario.elasticity_se * rng.standard_normal(DRAWS)
    draws = base_outcome * ratio[None, :] ** beta[:, None]  # (draws, years), vectorised
    years = scenario.base_year + np.arange(1, scenario.horizon + 1)
    if scenario.water_change is not None:
        water = (1 + scenario.water_change) ** np.arange(1, scenario.horizon + 1)
        ceiling = base_outcome * scenario.headroom * water ** scenario.water_elasticity
        draws = np.minimum(draws, ceiling[None, :])
    else:
        ceiling = np.full(scenario.horizon, np.nan)
    median = np.median(draws, axis=0)
    path = pd.DataFrame({"year": years, "funds_ratio": ratio, "outcome": median,
                         "low": np.quantile(draws, 0.025, axis=0),
                         "high": np.quantile(draws, 0.975, axis=0), "ceiling": ceiling,
                         "capped": np.isfinite(ceiling) & (median >= ceiling - 1e-9 * abs(ceiling)),
                         "extrapolated": outside})
    return ScenarioProjection(scenario, path, base_funds_yuan, base_outcome, observed_range)
