"""Index specification: indicators and the pipeline, as frozen dataclasses loaded from TOML.

Every option is a `Literal` type checked once, in `spec_from_dict`; later code trusts the spec.
A spec is written as a TOML file (see ``measure/specs/sustainable_agriculture.toml`` and
docs/index.md), or built from command-line flags with `spec_from_options`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, get_args

import numpy as np
from pairaid.errors import InputError

Missing = Literal["none", "interpolate", "unit_mean", "drop"]
Outliers = Literal["none", "skew_kurtosis", "quantile"]
Normalisation = Literal["minmax", "zscore", "vector", "rank", "distance"]
Goalposts = Literal["pooled", "year", "reference"]
Reference = Literal["best", "mean", "target"]
Weighting = Literal["equal", "entropy", "critic", "pca", "manual", "ahp"]
#: the matrix entropy/CRITIC/PCA weights are computed on (see `measure.weight`)
WeightBasis = Literal["normalised", "raw"]
Aggregation = Literal["linear", "geometric", "topsis"]
Structure = Literal["hierarchical", "flat"]
Direction = Literal[1, -1]

#: Weighting methods that are derived from the data (the others are given by the analyst).
DATA_DRIVEN = ("entropy", "critic", "pca")
DEFAULT_PILLAR = "index"


class MeasureError(InputError):
    """Base of the composite-index errors; the CLI turns it into one line and exit code 2."""


class IndexSpecError(MeasureError):
    """The specification is invalid (unknown option, bad AHP matrix, missing weight, ...)."""


class IndexDataError(MeasureError):
    """The data cannot carry the index (unknown column, all-missing or constant indicator, ...)."""


@dataclass(frozen=True)
class Indicator:
    code: str
    direction: Direction = 1
    pillar: str = DEFAULT_PILLAR
    #: manual weight (used by `weighting.method = "manual"`), relative within the pillar
    weight: float | None = None
    #: data column holding the values (default: `code`), optionally divided by column `per`
    column: str | None = None
    per: str | None = None
    name: str = ""
    unit: str = ""
    description: str = ""
    #: target value for `normalisation.method = "distance"` with `reference = "target"`
    target: float | None = None

    @property
    def source(self) -> str:
        return self.column or self.code


@dataclass(frozen=True)
class MissingSpec:
    method: Missing = "interpolate"


@dataclass(frozen=True)
class OutlierSpec:
    method: Outliers = "none"
    skew: float = 2.0
    kurtosis: float = 3.5
    max_points: int = 5
    #: what to do with an indicator winsorising could not fix: "log" (COINr) or "none"
    fallback: Literal["log", "none"] = "log"
    quantiles: tuple[float, float] = (0.01, 0.99)


@dataclass(frozen=True)
class NormalisationSpec:
    method: Normalisation = "minmax"
    goalposts: Goalposts = "pooled"
    reference_year: int | None = None
    reference: Reference = "best"


@dataclass(frozen=True)
class AHPSpec:
    order: tuple[str, ...]
    matrix: tuple[tuple[float, ...], ...]
    max_cr: float = 0.1


@dataclass(frozen=True)
class WeightingSpec:
    method: Weighting = "equal"
    ahp: AHPSpec | None = None
    basis: WeightBasis = "normalised"


@dataclass(frozen=True)
class AggregationSpec:
    method: Aggregation = "linear"
    structure: Structure = "hierarchical"
    #: how pillar scores combine into the index (default: `method`)
    overall: Aggregation | None = None
    #: "equal", "ahp" (with `pillar_ahp`) or explicit {pillar: weight}
    pillar_weights: str | tuple[tuple[str, float], ...] = "equal"
    pillar_ahp: AHPSpec | None = None

    @property
    def overall_method(self) -> Aggregation:
        return self.overall or self.method

    @property
    def hierarchical(self) -> bool:
        """Indicators → pillar scores → index (else one flat aggregation of the indicators)."""
        return self.structure == "hierarchical"


@dataclass(frozen=True)
class SensitivitySpec:
    imputation: tuple[Missing, ...] = ("interpolate", "unit_mean")
    normalisation: tuple[Normalisation, ...] = ("minmax", "zscore", "rank")
    weighting: tuple[Weighting, ...] = ("equal", "entropy", "critic", "pca")
    #: each weight is multiplied by U(1 - noise, 1 + noise) in every draw, then re-normalised
    weight_noise: float = 0.25
    aggregation: tuple[Aggregation, ...] = ("linear", "geometric", "topsis")


@dataclass(frozen=True)
class IndexSpec:
    name: str
    indicators: tuple[Indicator, ...]
    title: str = ""
    description: str = ""
    missing: MissingSpec = field(default_factory=MissingSpec)
    outliers: OutlierSpec = field(default_factory=OutlierSpec)
    normalisation: NormalisationSpec = field(default_factory=NormalisationSpec)
    weighting: WeightingSpec = field(default_factory=WeightingSpec)
    aggregation: AggregationSpec = field(default_factory=AggregationSpec)
    sensitivity: SensitivitySpec = field(default_factory=SensitivitySpec)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    @property
    def pillars(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i.pillar for i in self.indicators))

    @property
    def directions(self) -> np.ndarray:
        return np.array([i.direction for i in self.indicators], dtype=float)

    @property
    def pillar_index(self) -> np.ndarray:
        """For each indicator, the position of its pillar in `pillars`."""
        order = {p: k for k, p in enumerate(self.pillars)}
        return np.array([order[i.pillar] for i in self.indicators])

    def describe(self) -> str:
        a, n = self.aggregation, self.normalisation
        goal = (f"goalposts {n.goalposts}" + (f" {n.reference_year}" if n.goalposts == "reference"
                                              else ""))
        return (f"missing: {self.missing.method}; outliers: {self.outliers.method}; "
                f"normalisation: {n.method} ({goal}); weights: {self.weighting.method}; "
                f"aggregation: {a.method}" + (f" then {a.overall_method}" if a.hierarchical
                                              else "") + f" ({a.structure})")


def validate(spec: IndexSpec, label: str = "spec") -> IndexSpec:
    """Cross-field checks (weights present, AHP names known, ...); returns the spec."""
    if spec.weighting.method == "manual":
        lacking = [i.code for i in spec.indicators if i.weight is None]
        if lacking:
            raise IndexSpecError(f"{label}: weighting 'manual' needs a weight for every "
                                 f"indicator; missing for {', '.join(lacking)}")
    for i in spec.indicators:
        if i.weight is not None and not (np.isfinite(i.weight) and i.weight >= 0):
            raise IndexSpecError(f"{label}: indicator {i.code}: weight must be >= 0")
    if spec.weighting.method == "ahp":
        if spec.weighting.ahp is None:
            raise IndexSpecError(f"{label}: weighting 'ahp' needs a [weighting.ahp] table with "
                                 "order and matrix")
        _ahp_names(spec.weighting.ahp, spec.codes, "weighting.ahp", label)
    agg = spec.aggregation
    if isinstance(agg.pillar_weights, tuple):
        _ahp_names(AHPSpec(tuple(p for p, _ in agg.pillar_weights), ()), spec.pillars,
                   "aggregation.pillar_weights", label, square=False)
    elif agg.pillar_weights == "ahp":
        if agg.pillar_ahp is None:
            raise IndexSpecError(f"{label}: pillar_weights 'ahp' needs [aggregation.pillar_ahp]")
        _ahp_names(agg.pillar_ahp, spec.pillars, "aggregation.pillar_ahp", label)
    elif agg.pillar_weights != "equal":
        raise IndexSpecError(f"{label}: aggregation.pillar_weights must be 'equal', 'ahp' or a "
                             "table of pillar weights")
    norm = spec.normalisation
    if norm.goalposts == "reference" and norm.reference_year is None:
        raise IndexSpecError(f"{label}: goalposts 'reference' needs normalisation.reference_year")
    if norm.method == "rank" and norm.goalposts == "reference":
        raise IndexSpecError(f"{label}: rank normalisation has no goalposts to fix in a reference "
                             "year; use goalposts 'pooled' or 'year'")
    if norm.method == "distance" and norm.reference == "target":
        lacking = [i.code for i in spec.indicators if i.target is None]
        if lacking:
            raise IndexSpecError(f"{label}: distance to target needs a target for "
                                 f"{', '.join(lacking)}")
    sens = spec.sensitivity
    if "none" in sens.imputation:
        raise IndexSpecError(f"{label}: sensitivity.imputation cannot include 'none' (it leaves "
                             "scores missing, so draws would rank different unit-years)")
    for method in sens.weighting:
        if method == "manual" and any(i.weight is None for i in spec.indicators):
            raise IndexSpecError(f"{label}: sensitivity.weighting 'manual' needs a weight for "
                                 "every indicator")
        if method == "ahp" and spec.weighting.ahp is None:
            raise IndexSpecError(f"{label}: sensitivity.weighting 'ahp' needs [weighting.ahp]")
    if "distance" in sens.normalisation and norm.reference == "target" and any(
            i.target is None for i in spec.indicators):
        raise IndexSpecError(f"{label}: sensitivity.normalisation 'distance' needs targets")
    return spec


def spec_from_options(indicators: str | None = None, base: IndexSpec | None = None, *,
                      normalise: str | None = None, weights: str | None = None,
                      aggregate: str | None = None) -> IndexSpec:
    """A spec from command-line style options, optionally overriding parts of `base`.

    ``indicators="c1:+,c2:-"``; ``weights="manual:0.5,0.5"`` gives manual weights in the
    order of the indicators.
    """
    if base is None and not indicators:
        raise IndexSpecError("give a spec (file or bundled name) or --indicators 'c1:+,c2:-'")
    spec = base
    if indicators:
        items = []
        for part in (p.strip() for p in indicators.split(",") if p.strip()):
            code, _, sign = part.rpartition(":")
            if not code or sign not in ("+", "-"):
                raise IndexSpecError(f"--indicators: '{part}' is not CODE:+ or CODE:-")
            items.append(Indicator(code=code, direction=1 if sign == "+" else -1))
        spec = IndexSpec(name="custom", indicators=tuple(items),
                         aggregation=AggregationSpec(structure="flat")) if base is None \
            else replace(base, indicators=tuple(items))
    assert spec is not None
    if normalise:
        spec = replace(spec, normalisation=replace(spec.normalisation, method=_choice(
            normalise, Normalisation, "--normalise")))
    if weights:
        method, _, values = weights.partition(":")
        method = _choice(method, Weighting, "--weights")
        if method == "manual":
            try:
                numbers = [float(v) for v in values.split(",") if v.strip()]
            except ValueError:
                raise IndexSpecError(f"--weights: '{values}' is not a list of numbers") from None
            if len(numbers) != len(spec.indicators):
                raise IndexSpecError(f"--weights manual: {len(numbers)} weights for "
                                     f"{len(spec.indicators)} indicators")
            spec = replace(spec, indicators=tuple(replace(i, weight=w) for i, w in
                                                  zip(spec.indicators, numbers)))
        spec = replace(spec, weighting=replace(spec.weighting, method=method))
    if aggregate:
        spec = replace(spec, aggregation=replace(spec.aggregation, method=_choice(
            aggregate, Aggregation, "--aggregate"), overall=None))
    return validate(spec, "options")


def _choice(value, options, where: str):
    allowed = get_args(options)
    if value not in allowed:
        raise IndexSpecError(f"{where}: '{value}' is not one of {', '.join(map(str, allowed))}")
    return value


def _ahp_names(ahp: AHPSpec, names: tuple[str, ...], where: str, label: str,
               square: bool = True) -> None:
    unknown = [n for n in ahp.order if n not in names]
    missing = [n for n in names if n not in ahp.order]
    if unknown or missing or len(set(ahp.order)) != len(ahp.order):
        raise IndexSpecError(f"{label}: {where} must name each of {', '.join(names)} once"
                             + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                             + (f"; missing: {', '.join(missing)}" if missing else ""))
    if square and (len(ahp.matrix) != len(ahp.order)
                   or any(len(r) != len(ahp.order) for r in ahp.matrix)):
        raise IndexSpecError(f"{label}: {where} matrix must be {len(ahp.order)} × "
                             f"{len(ahp.order)}")
