"""Loading an index spec from TOML (a file or a bundled name) and validating every key once."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from fractions import Fraction
from importlib import resources
from pathlib import Path

from pairaid.measure.spec import (
    DEFAULT_PILLAR, AggregationSpec, Aggregation, AHPSpec, Goalposts, IndexSpec, IndexSpecError,
    Indicator, Missing, MissingSpec, Normalisation, NormalisationSpec, Outliers, OutlierSpec,
    Reference, SensitivitySpec, Structure, WeightBasis, Weighting, WeightingSpec, _choice, validate,
)


def bundled_specs() -> list[str]:
    """Names of the specs shipped with pairaid (``pairaid/measure/specs/*.toml``)."""
    folder = resources.files("pairaid.measure").joinpath("specs")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_spec(source: str | Path | IndexSpec) -> IndexSpec:
    """A spec from a TOML file path or a bundled name (e.g. ``"sustainable_agriculture"``)."""
    if isinstance(source, IndexSpec):
        return source
    path = Path(source)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise IndexSpecError(f"no index spec file at {path}")
        text, label = path.read_text("utf-8"), str(path)
    else:
        if str(source) not in bundled_specs():
            raise IndexSpecError(f"unknown index spec '{source}': give a .toml file or one of "
                                 f"{', '.join(bundled_specs())}")
        resource = resources.files("pairaid.measure").joinpath("specs", f"{source}.toml")
        text, label = resource.read_text("utf-8"), f"{source} (bundled)"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise IndexSpecError(f"{label}: not valid TOML: {exc}") from None
    return spec_from_dict(raw, label)


def spec_from_dict(raw: dict, label: str = "spec") -> IndexSpec:
    """Validate a parsed TOML document (see docs/index.md for the keys) into an `IndexSpec`."""
    _keys(raw, {"name", "title", "description", "indicators", "missing", "outliers",
                "normalisation", "weighting", "aggregation", "sensitivity"}, label)
    items = raw.get("indicators")
    if not isinstance(items, list) or not items:
        raise IndexSpecError(f"{label}: give at least one [[indicators]] entry")
    indicators = tuple(_indicator(item, f"{label}: indicator {k + 1}")
                       for k, item in enumerate(items))
    codes = [i.code for i in indicators]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise IndexSpecError(f"{label}: indicator codes repeat: {', '.join(repeated)}")
    spec = IndexSpec(
        name=str(raw.get("name", "index")), indicators=indicators,
        title=str(raw.get("title", "")), description=str(raw.get("description", "")),
        missing=MissingSpec(**_section(raw, "missing", {"method": Missing}, label)),
        outliers=_outliers(raw.get("outliers", {}), label),
        normalisation=_normalisation(raw.get("normalisation", {}), label),
        weighting=_weighting(raw.get("weighting", {}), label),
        aggregation=_aggregation(raw.get("aggregation", {}), label),
        sensitivity=_sensitivity(raw.get("sensitivity", {}), label),
    )
    return validate(spec, label)


def _keys(table: dict, allowed: set[str], where: str) -> None:
    if not isinstance(table, dict):
        raise IndexSpecError(f"{where}: expected a table")
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise IndexSpecError(f"{where}: unknown key{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _section(raw: dict, name: str, choices: dict, label: str) -> dict:
    table = raw.get(name, {})
    _keys(table, set(choices), f"{label}: [{name}]")
    return {k: _choice(v, choices[k], f"{label}: {name}.{k}") for k, v in table.items()}


def _number(value, where: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IndexSpecError(f"{where}: '{value}' is not a number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise IndexSpecError(f"{where}: {value} is outside [{low}, {high}]")
    return float(value)


def _indicator(item: dict, where: str) -> Indicator:
    _keys(item, {"code", "direction", "pillar", "weight", "column", "per", "name", "unit",
                 "description", "target"}, where)
    if not isinstance(item.get("code"), str) or not item["code"].strip():
        raise IndexSpecError(f"{where}: needs a code")
    code = item["code"].strip()
    where = f"{where} ({code})"
    sign = item.get("direction", "+")
    direction = {"+": 1, "-": -1, 1: 1, -1: -1, "1": 1, "-1": -1}.get(sign)
    if direction is None:
        raise IndexSpecError(f"{where}: direction '{sign}' is not + or -")
    weight = item.get("weight")
    target = item.get("target")
    return Indicator(
        code=code, direction=direction, pillar=str(item.get("pillar", DEFAULT_PILLAR)),
        weight=None if weight is None else _number(weight, f"{where}: weight", 0),
        column=item.get("column"), per=item.get("per"), name=str(item.get("name", "")),
        unit=str(item.get("unit", "")), description=str(item.get("description", "")).strip(),
        target=None if target is None else _number(target, f"{where}: target"))


def _outliers(table: dict, label: str) -> OutlierSpec:
    where = f"{label}: [outliers]"
    _keys(table, {"method", "skew", "kurtosis", "max_points", "quantiles", "fallback"}, where)
    spec = OutlierSpec(method=_choice(table.get("method", "none"), Outliers, f"{where} method"))
    q = table.get("quantiles", spec.quantiles)
    if not (isinstance(q, list | tuple) and len(q) == 2):
        raise IndexSpecError(f"{where} quantiles: give [low, high]")
    low, high = (_number(v, f"{where} quantiles", 0, 1) for v in q)
    if low >= high:
        raise IndexSpecError(f"{where} quantiles: low {low} must be below high {high}")
    points = table.get("max_points", spec.max_points)
    if not isinstance(points, int) or points < 1:
        raise IndexSpecError(f"{where} max_points: give a positive integer")
    fallback = table.get("fallback", "log")
    if fallback not in ("log", "none"):
        raise IndexSpecError(f"{where} fallback: '{fallback}' is not one of log, none")
    return replace(spec, quantiles=(low, high), max_points=points, fallback=fallback,
                   skew=_number(table.get("skew", spec.skew), f"{where} skew", 0),
                   kurtosis=_number(table.get("kurtosis", spec.kurtosis), f"{where} kurtosis"))


def _normalisation(table: dict, label: str) -> NormalisationSpec:
    where = f"{label}: [normalisation]"
    _keys(table, {"method", "goalposts", "reference_year", "reference"}, where)
    year = table.get("reference_year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise IndexSpecError(f"{where} reference_year: '{year}' is not a year")
    return NormalisationSpec(
        method=_choice(table.get("method", "minmax"), Normalisation, f"{where} method"),
        goalposts=_choice(table.get("goalposts", "pooled"), Goalposts, f"{where} goalposts"),
        reference_year=year,
        reference=_choice(table.get("reference", "best"), Reference, f"{where} reference"))


def _ahp(table: dict, where: str) -> AHPSpec:
    _keys(table, {"order", "matrix", "max_cr"}, where)
    order, matrix = table.get("order"), table.get("matrix")
    if not isinstance(order, list) or not isinstance(matrix, list):
        raise IndexSpecError(f"{where}: give order = [names] and matrix = [[...], ...]")
    rows = []
    for row in matrix:
        if not isinstance(row, list):
            raise IndexSpecError(f"{where}: matrix rows must be lists")
        rows.append(tuple(_judgement(v, where) for v in row))
    return AHPSpec(tuple(map(str, order)), tuple(rows),
                   _number(table.get("max_cr", 0.1), f"{where} max_cr", 0))


def _judgement(value, where: str) -> float:
    """A pairwise judgement: a number or a fraction written as text ("1/3")."""
    if isinstance(value, str):
        try:
            value = float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise IndexSpecError(f"{where}: '{value}' is not a number or fraction") from None
    number = _number(value, where)
    if number <= 0:
        raise IndexSpecError(f"{where}: judgements must be positive, got {number}")
    return number


def _weighting(table: dict, label: str) -> WeightingSpec:
    where = f"{label}: [weighting]"
    _keys(table, {"method", "ahp", "basis"}, where)
    ahp = _ahp(table["ahp"], f"{label}: [weighting.ahp]") if "ahp" in table else None
    return WeightingSpec(_choice(table.get("method", "equal"), Weighting, f"{where} method"), ahp,
                         _choice(table.get("basis", "normalised"), WeightBasis, f"{where} basis"))


def _aggregation(table: dict, label: str) -> AggregationSpec:
    where = f"{label}: [aggregation]"
    _keys(table, {"method", "structure", "overall", "pillar_weights", "pillar_ahp"}, where)
    pillar_weights = table.get("pillar_weights", "equal")
    if isinstance(pillar_weights, dict):
        pillar_weights = tuple((str(k), _number(v, f"{where} pillar_weights.{k}", 0))
                               for k, v in pillar_weights.items())
    overall = table.get("overall")
    return AggregationSpec(
        method=_choice(table.get("method", "linear"), Aggregation, f"{where} method"),
        structure=_choice(table.get("structure", "hierarchical"), Structure,
                          f"{where} structure"),
        overall=None if overall is None else _choice(overall, Aggregation, f"{where} overall"),
        pillar_weights=pillar_weights,
        pillar_ahp=_ahp(table["pillar_ahp"], f"{label}: [aggregation.pillar_ahp]")
        if "pillar_ahp" in table else None)


def _sensitivity(table: dict, label: str) -> SensitivitySpec:
    where = f"{label}: [sensitivity]"
    options = {"imputation": Missing, "normalisation": Normalisation, "weighting": Weighting,
               "aggregation": Aggregation}
    _keys(table, set(options) | {"weight_noise"}, where)
    values = {}
    for key, kind in options.items():
        if key in table:
            levels = table[key]
            if not isinstance(levels, list) or not levels:
                raise IndexSpecError(f"{where} {key}: give a non-empty list")
            values[key] = tuple(dict.fromkeys(_choice(v, kind, f"{where} {key}")
                                              for v in levels))
    if "weight_noise" in table:
        values["weight_noise"] = _number(table["weight_noise"], f"{where} weight_noise", 0, 0.99)
    return SensitivitySpec(**values)
