"""Page 1 of the report: the verdict. A title naming the programme and its period, and six
cards — what was spent and where, the effect, equity, dependence, environment, cost and audit —
each a message title, one headline figure with its uncertainty, a verdict word and a link to
its section. Built from the sections' findings (`pairaid.findings.programme.scorecard`)."""

from __future__ import annotations

from pairaid.report.model import Section
from pairaid.report.text import title, word


def programme_place(inputs, lang: str) -> str:
    """Where the programme sends its money: the province most recipients sit in (walking up
    the region hierarchy from each pairing's recipient); "" when there is none."""
    regions = inputs.regions.set_index("code")
    parent, level = regions["parent_code"].to_dict(), regions["level"].to_dict()
    found: dict[str, int] = {}
    for code in inputs.pairings["recipient"].astype(str):
        seen = 0
        while code in level and level[code] != "province" and seen < 8:
            code, seen = str(parent.get(code)), seen + 1
        if level.get(code) == "province":
            found[code] = found.get(code, 0) + 1
    if not found:
        return ""
    code = max(found, key=found.get)
    name = regions.at[code, "name_zh" if lang == "zh" else "name_en"]
    return str(name if isinstance(name, str) and name else regions.at[code, "name_zh"])


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
