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
    # the province the recipients sit in (a ledger may also hold the donors' provinces)
    parent = regions.set_index("code")["parent_code"].to_dict()
    level = regions.set_index("code")["level"].to_dict()
    counts: dict[str, int] = {}
    for code in inputs.pairings["recipient"].astype(str):
        for _ in range(6):  # county → prefecture → province (corps: division → corps → ...)
            if level.get(code) == "province" or code not in parent or parent[code] is None:
                break
            code = str(parent[code])
        if level.get(code) == "province":
            counts[code] = counts.get(code, 0) + 1
    if counts:
        top = top[top["code"] == max(counts, key=counts.get)]
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
