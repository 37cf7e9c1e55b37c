"""Terminal rendering of results (rich tables). Formatting only: every number comes computed."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.panel import Panel as Box
from rich.table import Table


def _number(value: float | None, unit: str) -> str:
    """A figure with its unit, as a reader says it: '213.8 billion CNY', '2.05×', '7.3% a year'."""
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{value:.2f}×" if value >= 1.5 else f"{value:.2f}"
    if unit == "share":
        return f"{value:+.1%}"
    if unit == "per year":
        return f"{value:.1%} a year"
    # whole units below a million: no "15,302.2 CNY"
    scaled = (f"{value / 1e12:,.2f} trillion" if abs(value) >= 1e12 else
              f"{value / 1e9:,.1f} billion" if abs(value) >= 1e9 else
              f"{value / 1e6:,.2f} million" if abs(value) >= 1e6 else f"{value:,.0f}")
    return scaled if unit in ("count",) else f"{scaled} {unit}"


def _published(published: dict | None, period: str) -> str:
    if not published:
        return ""
    raw = str(published.get("value", ""))
    unit = str(published.get("unit", ""))
    try:
        text = _number(float(raw), unit)
    except ValueError:
        text = raw
    stated = str(published.get("period", "")).replace("-", "–")
    line = f"{text} ({stated})"
    if published.get("ledger_value") is not None and published.get("ledger_period") != period:
        covered = published["ledger_period"]
        # periods stated exactly: never "the same period" when the ledger covers less
        which = f"ledger {covered}" if covered == stated else \
            f"ledger covers only {covered} of {stated}"
        line += f"; {which}: {_number(published['ledger_value'], unit)}"
    return line


def synthetic_banner(console: Console, notice: str) -> None:
    console.print(Box(notice or "SYNTHETIC DATA", title="SYNTHETIC DEMO DATA", style="bold yellow"))


def summary(console: Console, result, lang: str = "en") -> None:
    if result.synthetic:
        synthetic_banner(console, result.notice)
    table = Table(title=f"Headline figures {result.year_from}–{result.year_to}",
                  caption=f"Money: {result.basis.label}. Notes and sources below.",
                  title_justify="left", caption_justify="left")
    table.add_column("figure", ratio=3)
    table.add_column("ledger", justify="right", ratio=2)
    table.add_column(f"real ({result.real_basis})" if result.real_basis else "real",
                     justify="right", ratio=2)
    table.add_column("never-paired counties, same years", justify="right", ratio=2)
    table.add_column("period", ratio=1, no_wrap=True)
    table.add_column("published", ratio=2)
    notes: dict[str, int] = {}  # the same source or note keeps one number
    for f in result.figures:
        label = f.label
        detail = "; ".join(x for x in (f.source, f.note) if x)
        if detail:
            number = notes.setdefault(detail, len(notes) + 1)
            label += f" [{number}]"
        beside = (f"{_number(f.comparison['never_paired'], f.unit)} "
                  f"(paired {_number(f.comparison['paired'], f.unit)})" if f.comparison else "")
        table.add_row(label, _number(f.value, f.unit),
                      _number(f.real, f.unit) if f.real is not None else "",
                      beside, f.period, _published(f.published, f.period))
    console.print(table)
    for note, number in notes.items():
        console.print(f"[{number}] {note}", highlight=False, markup=False)
    sources = {f.published["source"] for f in result.figures if f.published}
    if sources:
        console.print("Published figures: " + "; ".join(sorted(sources)), highlight=False)
    from pairaid.findings.programme import headline_findings
    from pairaid.readings import render

    for found in headline_findings(result):  # the report's sentences, in plain text
        console.print(render(found, lang, html=False), highlight=False, markup=False)
    if len(result.funds_by_donor):
        top = result.funds_by_donor.head(5)
        shares = ", ".join(f"{r.name_en} {r.share:.0%}" for r in top.itertuples() if r.share == r.share)
        console.print(f"Largest donors by disbursement: {shares}", highlight=False)


def panel(console: Console, result, output: Path | None) -> None:
    if result.synthetic:
        console.print("[bold yellow]SYNTHETIC demo data[/]")
    console.print(result.description, highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
    if result.coverage is not None and not any(n.startswith("Coverage") for n in result.notes):
        console.print(f"Coverage: {result.coverage.statement}.", highlight=False)
    if output:
        console.print(f"written to {output}", highlight=False)
        return
    columns = [c for c in result.frame.columns if c not in ("name_zh", "currency", "prices")]
    console.print(result.frame[columns].head(10).to_string(max_cols=12), highlight=False)
    console.print(f"... {len(result.frame)} rows, {len(result.frame.columns)} columns; "
                  "write them all with -o FILE", highlight=False)


def info(console: Console, location: str, backend: str, meta: dict, counts: dict) -> None:
    from pairaid.ledger.store import synthetic_flag

    if synthetic_flag(meta):
        synthetic_banner(console, meta.get("synthetic_notice", ""))
    console.print(f"Ledger: {location} ({backend})", highlight=False)
    table = Table("table", "rows")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
