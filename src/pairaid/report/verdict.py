"""Page 1 of the report: the verdict. A title naming the programme and its period, and six
cards — what was spent and where, the effect, equity, dependence, environment, cost and audit —
each a message title, one headline figure with its uncertainty, a verdict word and a link to
its section. Built from the sections' findings (`pairaid.findings.programme.scorecard`)."""

from __future__ import annotations

from pairaid.report.model import Section
from pairaid.report.text import title, word


def programme_place(inputs, lang: str) -> str:
    """Where the programme sends its money: the province (or highest region) recipients sit in."""
    regions = inputs.regions
    top = regions[regions["level"] == "province"]
    if top.empty:
        return ""
    row = top.iloc[0]
    name = row["name_zh"] if lang == "zh" else row["name_en"]
    return str(name if isinstance(name, str) and name else row["name_zh"])


def page_heading(inputs, lang: str, fingerprint: str) -> tuple[str, str]:
    """(title, subtitle): the programme and its period; the ledger named by its fingerprint,
    never by its path (the path goes only into provenance.json)."""
    from pairaid.report.model import basis_text

    s = inputs.summary
    disbursed = s.figure("funds_disbursed")
    place = programme_place(inputs, lang)
    heading = word("title_programme" if place else "title_period", lang, place=place,
                   period=disbursed.period)
    subtitle = (f"{word('ledger_hash', lang)} {fingerprint[:16]} · "
                f"{basis_text(s.basis, lang)}")
    return heading, subtitle


def _verdict(inputs, lang: str) -> Section:
    from pairaid.findings.programme import scorecard

    cards = scorecard(inputs.findings)
    return Section("verdict", title("verdict", lang), [], cards=cards)
