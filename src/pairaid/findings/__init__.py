"""Structured findings: what a results object says, as data (issue 10).

A `Finding` is a key (what is read: ``event_study.pretrend``), a verdict from a closed set
(``rejects``, ``falls`` …), the numbers it rests on — each a value with its unit and kind — and
the terms it names (an outcome column, a place). The derivation lives beside the analyses'
results (`pairaid.findings.evaluate`, `.distribution`, `.audit`, `.programme`) and only reads
their fields; the sentences are rendered from one table of templates in both languages
(`pairaid.readings`), so English and Chinese cannot say different things.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Verdict = Literal[
    "rejects", "does_not_reject",           # a test
    "rises", "falls", "no_change",          # a trend or a change
    "above_zero", "below_zero", "covers_zero",  # an interval against zero
    "pro_poor", "pro_rich", "proportional",  # where money goes along income
    "narrows", "widens",                    # against the need variable's own inequality
    "decoupled", "coupled",                 # environment (Tapio)
    "flagged", "clean",                     # a check that found something / nothing
    "undefined", "missing",                 # cannot be computed / data absent
    "describes",                            # a description, no judgement
]
VERDICTS: tuple[str, ...] = Verdict.__args__  # type: ignore[attr-defined]

Kind = Literal["estimate", "ci_low", "ci_high", "std_error", "p_value", "statistic", "share",
               "count", "year", "money", "ratio", "threshold", "value"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Number:
    """One number a finding states: its value, unit (``CNY``, ``share``, ``year``, ``count``,
    ``pp a year`` …; empty when dimensionless) and kind."""

    value: float
    unit: str = ""
    kind: str = "value"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"number kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "value", float(self.value))


#: a term's text: an identifier kept verbatim (a column, a code) or a name in each language
Term = str | tuple[str, str]


@dataclass(frozen=True)
class Finding:
    key: str
    verdict: str
    numbers: tuple[tuple[str, Number], ...] = ()
    terms: tuple[tuple[str, Term], ...] = field(default=())

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {self.verdict!r}")

    @property
    def values(self) -> dict[str, Number]:
        return dict(self.numbers)

    @property
    def words(self) -> dict[str, Term]:
        return dict(self.terms)

    def to_dict(self) -> dict:
        return {"key": self.key, "verdict": self.verdict,
                "numbers": {k: {"value": n.value, "unit": n.unit, "kind": n.kind}
                            for k, n in self.numbers},
                "terms": {k: (list(t) if isinstance(t, tuple) else t) for k, t in self.terms}}


def finding(key: str, verdict: str, terms: dict | None = None, **numbers) -> Finding:
    """A `Finding` from keyword numbers: ``Number`` or ``(value, unit, kind)``; None is left
    out (a number the result does not have)."""
    made = []
    for name, number in numbers.items():
        if number is None:
            continue
        if not isinstance(number, Number):
            value, unit, kind = number
            if value is None:
                continue
            number = Number(value, unit, kind)
        made.append((name, number))
    return Finding(key, verdict, tuple(made), tuple((terms or {}).items()))


def interval_verdict(low: float, high: float) -> str:
    """Where a confidence interval lies against zero."""
    return "above_zero" if low > 0 else "below_zero" if high < 0 else "covers_zero"


def significance_verdict(p_value: float, alpha: float = 0.05) -> str:
    return "rejects" if p_value < alpha else "does_not_reject"


__all__ = ["Finding", "Number", "VERDICTS", "KINDS", "finding", "interval_verdict",
           "significance_verdict"]
