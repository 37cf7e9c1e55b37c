"""One source of every sentence (issue 10): findings as data, one template table with both
languages side by side, and a renderer that tags every number."""

from __future__ import annotations

import re
import string

import pandas as pd
import pytest

from pairaid.findings import Finding, Number, finding, interval_verdict, significance_verdict
from pairaid.findings.evaluate import cluster_terms, unit_terms
from pairaid.readings import CARD_TITLES, READINGS, VERDICT_WORDS, render, template


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(READINGS))
def test_both_languages_quote_the_same_numbers_and_terms(key):
    en, zh = READINGS[key]
    assert _fields(en) == _fields(zh), key
    assert re.search(r"[\u4e00-\u9fff]", zh), key  # the Chinese is Chinese
    # literal digits would be numbers without data-value: every number is a field
    for text in (en, zh):
        literal = "".join(part for part, *_ in string.Formatter().parse(text))
        assert not re.search(r"(?<![A-Za-z(])\d", literal.replace("2×2", "")), (key, literal)


def test_every_verdict_has_words_in_both_languages():
    from pairaid.findings import VERDICTS

    assert set(VERDICT_WORDS) == set(VERDICTS)


def test_a_finding_renders_its_numbers_as_tagged_spans_and_escapes_terms():
    made = finding("elasticity.estimate.drop", "covers_zero",
                   {"outcome": "<b>x</b>", "treatment": "funds_per_capita",
                    **unit_terms("county"), **cluster_terms(None, "county")},
                   b=(0.5, "", "estimate"), lo=(-0.1, "", "ci_low"), hi=(1.1, "", "ci_high"),
                   ten=(0.0488, "share", "estimate"), ten_in=(0.1, "share", "value"),
                   nobs=(1098, "count", "count"), clusters=(84, "count", "count"),
                   first=(2011, "year", "year"), last=(2024, "year", "year"),
                   dropped_treatment=(655, "count", "count"),
                   dropped_outcome=(0, "count", "count"))
    for lang in ("en", "zh"):
        html = str(render(made, lang))
        values = re.findall(r'data-value="([^"]*)"', html)
        assert {"0.5", "-0.1", "1.1", "655.0", "1098.0", "2011.0"} <= set(values)
        assert "<b>" not in html and "&lt;b&gt;" in html
        assert VERDICT_WORDS["covers_zero"][lang == "zh"] in html
    text = render(made, "en", html=False)
    assert "655 county-years without funds" in text and "1,098 county-years" in text
    assert "2011–2024" in text  # the sample's years are stated


def test_closed_sets_are_enforced():
    with pytest.raises(ValueError):
        Finding("x", "maybe")
    with pytest.raises(ValueError):
        Number(1.0, "", "guess")
    assert interval_verdict(0.1, 0.2) == "above_zero"
    assert interval_verdict(-0.2, 0.1) == "covers_zero"
    assert significance_verdict(0.172) == "does_not_reject"
    assert significance_verdict(0.0004) == "rejects"


def test_pretrend_finding_reads_the_reported_p_value():
    from pairaid.evaluate.did_results import PreTrendTest
    from pairaid.findings.evaluate import event_study_findings

    class Result:  # the fields event_study_findings reads
        aggregations = {}
        pretrend = PreTrendTest(35.8, 12, 0.00035, (), p_value_wild=0.172, wild_reps=999)

    (made,) = event_study_findings(Result())
    assert made.verdict == "does_not_reject" and made.values["p"].value == 0.172
    for lang in ("en", "zh"):
        first = re.search(r'data-value="([^"]*)"[^>]*data-kind="p_value"', str(render(made, lang)))
        assert float(first.group(1)) == 0.172


def test_every_design_warning_renders_in_both_languages_without_bare_numbers():
    from pairaid.evaluate.design import design_warnings
    from pairaid.findings.evaluate import design_findings

    # a small panel that trips most checks: few units, single-unit cohorts, missing outcome
    rows = [(u, t, c, (None if (u == "d" and t == 2003) else float(t)))
            for u, c in (("a", 2003), ("b", 2003), ("c", 2004), ("d", 0), ("e", 2002))
            for t in range(2000, 2006)]
    frame = pd.DataFrame(rows, columns=["unit", "year", "first_paired_year", "y"])
    warnings = design_warnings(frame, outcome="y")
    assert len(warnings) >= 4
    for f in design_findings(warnings):
        assert "message" not in f.words, f.key  # every warning has fields and a template
        template(f, "en")
        for lang in ("en", "zh"):
            text = re.sub(r"<span[^>]*>.*?</span>|<code>.*?</code>", "", str(render(f, lang)))
            assert not re.search(r"\d", text), (f.key, lang, text)


def test_cards_have_titles():
    assert set(CARD_TITLES) == {"card.spending", "card.effect", "card.equity",
                                "card.dependence", "card.environment", "card.audit"}


@pytest.mark.parametrize("key", sorted(__import__("pairaid.readings", fromlist=["x"])
                                       .CHART_TITLES))
def test_chart_titles_quote_the_same_numbers_in_both_languages(key):
    from pairaid.readings import CHART_TITLES

    en, zh = CHART_TITLES[key]
    assert _fields(en) == _fields(zh), key
    assert re.search(r"[\u4e00-\u9fff]", zh), key
    assert _fields(en), key  # a message states the finding's numbers, a label would not
    for text in (en, zh):
        literal = "".join(part for part, *_ in string.Formatter().parse(text))
        assert not re.search(r"(?<![A-Za-z(])\d", literal), (key, literal)


def test_a_chart_title_is_the_finding_rendered_by_verdict():
    from pairaid.readings import chart_title

    rising = finding("headline.funds_trend", "rises", start=(1e9, "CNY", "money"),
                     end=(2e9, "CNY", "money"), first=(2011, "year", "year"),
                     last=(2024, "year", "year"))
    assert chart_title("funds_by_year", rising, "en") == (
        "Yearly disbursements rose from 1.00 bn CNY in 2011 to 2.00 bn CNY in 2024")
    falling = finding("headline.funds_trend", "falls", **dict(rising.values))
    assert "fell" in chart_title("funds_by_year", falling, "en")
    assert chart_title("funds_by_year", rising, "zh").startswith("年度拨付资金从2011年")
    with pytest.raises(KeyError):
        chart_title("no_such_chart", rising, "en")
