"""The coverage the flow figures rest on is stated in the report's headline in both languages,
from one finding: the same numbers, and "missing, not zero" when pairing-years are unrecorded."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pairaid.coverage import FlowCoverage
from pairaid.findings.programme import coverage_findings
from pairaid.readings import render


def _coverage(not_recorded: int) -> FlowCoverage:
    return FlowCoverage(year_from=2011, year_to=2024, pairings=100, pairings_with_flows=84,
                        pairing_years=1400, recorded=1400 - not_recorded - 45,
                        declared_complete=45, not_recorded=not_recorded, missing=pd.DataFrame())


def _values(html: str) -> list[float]:
    return sorted(float(v) for v in re.findall(r'data-value="([^"]*)"', html))


@pytest.mark.parametrize(("missing", "verdict"), [(0, "describes"), (655, "flagged")])
def test_one_finding_both_languages(missing, verdict):
    (found,) = coverage_findings(_coverage(missing))
    assert found.key == "coverage.flows" and found.verdict == verdict
    en, zh = str(render(found, "en")), str(render(found, "zh"))
    assert _values(en) == _values(zh)
    assert {84.0, 100.0, 2011.0, 2024.0, 45.0} <= set(_values(en))
    if missing:
        assert 655.0 in _values(en)
        assert "missing, not zero" in en and "缺失而非零" in zh
    else:
        assert "recorded or declared complete" in en and "声明完整" in zh


def test_no_coverage_no_finding():
    assert coverage_findings(None) == []
