"""Funding scenarios: change the rule's share, a donor's budget or the pairing, or taper the
funds; project an outcome some years ahead from an elasticity with its uncertainty, and meet a
physical limit (irrigation water).

The projection runs county by county: each paired county's funds in the base year are scaled
by the share multiplier, the taper and its donor's budget multiplier. When the scenario moves a
county to another donor, every donor whose recipients change splits its (scaled) base-year
budget over its new recipients by population — the programme's own rule of thumb — while a
donor whose recipients are unchanged keeps each county's base-year amount. A county with no
funds in the base year has no funds ratio, so its outcome is left out of the projection (and
counted in the result's notes).

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
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from pairaid import jsonable
from pairaid.policy.commitments import PolicyError

DRAWS = 4000
#: scenarios shipped with pairaid, loadable by name (`pairaid plan scenario taper_and_water`)
BUNDLED_SCENARIOS = ("taper_and_water",)


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
    donor_budgets: tuple[tuple[str, float], ...] = ()  # donor code, budget multiplier
    pairing: tuple[tuple[str, str], ...] = ()  # recipient code, its donor in the scenario

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
    """A bundled scenario by name (`BUNDLED_SCENARIOS`) or a scenario file (TOML); the message
    names the file, section and key on error."""
    if str(path) in BUNDLED_SCENARIOS:
        body = resources.files("pairaid.policy").joinpath("scenarios_data", f"{path}.toml")
        return parse_scenario(body.read_text("utf-8"), f"{path}.toml")
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{path}: no such scenario file (bundled: "
                          f"{', '.join(BUNDLED_SCENARIOS)})") from None
    return parse_scenario(text, path.name)


def parse_scenario(text: str, name: str) -> Scenario:
    """A scenario from its TOML text; `name` (the file's) is what error messages cite."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{name}: not valid TOML: {exc}") from None
    head = data.get("scenario", {})
    funding, elasticity = data.get("funding", {}), data.get("elasticity", {})
    water, outcome = data.get("water"), data.get("outcome", {})
    budgets = data.get("funding", {}).get("donors", {})
    pairing = data.get("pairing", {})
    if not isinstance(budgets, dict) or not isinstance(pairing, dict):
        raise PolicyError(f"{name}: [funding.donors] and [pairing] are tables of code = value")
    for donor in budgets:
        _number(budgets, donor, f"{name} [funding.donors]", low=0, high=10)
    for recipient, donor in pairing.items():
        if not isinstance(donor, str) or not donor:
            raise PolicyError(f"{name} [pairing]: '{recipient}' must name a donor code, not "
                              f"{donor!r}")
    horizon = int(_number(head, "horizon", f"{name} [scenario]", 10, 1, 30))
    if "base_year" not in head:
        raise PolicyError(f"{name} [scenario]: missing key 'base_year' (the last observed year)")
    return Scenario(
        name=str(head.get("name", name.removesuffix(".toml"))),
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
        seed=int(_number(head, "seed", f"{name} [scenario]", 2024, 0, 2**31)),
        donor_budgets=tuple((str(k), float(v)) for k, v in budgets.items()),
        pairing=tuple((str(k), str(v)) for k, v in pairing.items()))


@dataclass(frozen=True)
class ScenarioProjection:
    scenario: Scenario
    #: year, funds_ratio, outcome (median), low, high (95 % band), ceiling, capped, extrapolated
    path: pd.DataFrame
    base_funds_yuan: float
    base_outcome: float
    observed_range: tuple[float, float]
    left_out: int = 0  # counties without a base-year outcome: not projected
    held: int = 0  # counties without base-year funds: outcome held at the base year's

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
                "donor_budgets": dict(self.scenario.donor_budgets),
                "pairing": dict(self.scenario.pairing),
                "counties_left_out": self.left_out, "counties_held": self.held,
                "note": "a projection under the stated elasticity, other things equal; not a "
                        "forecast",
                "path": jsonable.records(self.path)}

    def __str__(self) -> str:
        s = self.scenario
        lines = [f"Scenario '{s.name}': {s.outcome} {s.horizon} years after {s.base_year}, "
                 f"elasticity {s.elasticity:g} ± {s.elasticity_se:g} (a projection, not a forecast)"]
        if s.donor_budgets:
            lines.append("  donor budgets: " + ", ".join(f"{d} ×{m:g}" for d, m in s.donor_budgets))
        if s.pairing:
            lines.append("  pairing changed: " + ", ".join(f"{r} → {d}" for r, d in s.pairing)
                         + " (a changed donor splits its budget by population)")
        if self.left_out:
            lines.append(f"  {self.left_out} counties without a {s.base_year} {s.outcome} are "
                         "left out")
        if self.held:
            lines.append(f"  {self.held} counties without {s.base_year} funds are held at their "
                         f"{s.base_year} level")
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
    """The scenario's path for one unit (or a programme taken as one)."""
    one = pd.DataFrame({"recipient": ["all"], "donor": [""], "population": [1.0],
                        "base_funds": [base_funds_yuan], "base_outcome": [base_outcome]})
    return project_counties(scenario, one, observed_range)


def reallocate(scenario: Scenario, counties: pd.DataFrame) -> pd.DataFrame:
    """Each county's base-year funds in the scenario (before share and taper) and their ratio to
    the recorded ones: its donor's budget multiplier, and a population split for donors whose
    recipients change (see the module docstring). `counties`: recipient, donor, population,
    base_funds. The ratio is NaN where the base year has no funds."""
    budget = dict(scenario.donor_budgets)
    old = counties["donor"].astype(str)
    new = counties["recipient"].astype(str).map(dict(scenario.pairing)).fillna(old)
    scaled = counties["base_funds"].astype(float) * old.map(budget).fillna(1.0)
    funds = scaled.copy()
    population = counties["population"].astype(float)
    moved = new != old
    # every county whose new donor is in `changed` is set in the loop; the others keep theirs
    for donor in set(old[moved]) | set(new[moved]):
        mine = new == donor
        if mine.any():
            funds[mine] = scaled[old == donor].sum() * population[mine] / population[mine].sum()
    base = counties["base_funds"].astype(float)
    return pd.DataFrame({"funds": funds, "ratio": (funds / base).where(base > 0)})


def project_counties(scenario: Scenario, counties: pd.DataFrame,
                     observed_range: tuple[float, float]) -> ScenarioProjection:
    """The scenario's path summed over counties (frames and numbers in; the ledger is read in
    `policy.ledger`). `counties`: recipient, donor, population, base_funds (yuan), base_outcome;
    `observed_range`: the programme's funds relative to the base year, lowest and highest seen."""
    counties = counties.reset_index(drop=True)
    moved = reallocate(scenario, counties)
    k = moved["ratio"].to_numpy(float)
    # a county without base-year funds has no ratio: its outcome is held at the base year's
    # (the scenario's money does not reach it); one without a base-year outcome is left out
    usable = counties["base_outcome"].notna().to_numpy()
    held = usable & ~np.isfinite(k)
    k = np.where(np.isfinite(k), k, 1.0)
    base = counties["base_funds"].to_numpy(float)
    base_outcome = counties["base_outcome"].to_numpy(float)
    common = scenario.funds_ratio()  # (years,)
    # the programme's funds ratio per year (a county moved to a donor counts even without a
    # base-year amount of its own)
    ratio = common * moved["funds"].sum() / base.sum()
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
    county_ratio = np.where(held[usable][None, :], 1.0, common[:, None] * k[None, usable])
    y0 = base_outcome[usable]
    years = scenario.base_year + np.arange(1, scenario.horizon + 1)
    if scenario.water_change is not None:
        water = (1 + scenario.water_change) ** np.arange(1, scenario.horizon + 1)
        ceiling = y0[None, :] * scenario.headroom * water[:, None] ** scenario.water_elasticity
    else:
        ceiling = np.full(county_ratio.shape, np.inf)
    # (draws, years, counties), summed over counties: vectorised, no loop over draws
    with np.errstate(divide="ignore"):
        draws = np.minimum(y0 * county_ratio[None] ** beta[:, None, None], ceiling[None])
    totals = draws.sum(axis=2)
    central = np.minimum(y0 * county_ratio ** scenario.elasticity, ceiling)
    finite = np.isfinite(ceiling)
    reached = np.zeros(central.shape, bool)
    reached[finite] = central[finite] >= ceiling[finite] * (1 - 1e-9)
    at_ceiling = reached.sum(axis=1)
    path = pd.DataFrame({"year": years, "funds_ratio": ratio,
                         "outcome": np.median(totals, axis=0),
                         "low": np.quantile(totals, 0.025, axis=0),
                         "high": np.quantile(totals, 0.975, axis=0),
                         "ceiling": ceiling.sum(axis=1) if scenario.water_change is not None
                         else np.nan,
                         "capped": at_ceiling > 0, "counties_at_ceiling": at_ceiling,
                         "extrapolated": outside})
    return ScenarioProjection(scenario, path, float(base.sum()), float(y0.sum()), observed_range,
                              int((~usable).sum()), int(held.sum()))
