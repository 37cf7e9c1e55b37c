"""Terminal rendering of results (rich tables). Formatting only: every number comes computed."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.panel import Panel as Box
from rich.table import Table


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in ("ratio",):
        return f"{value:.2f}×" if value >= 1.5 else f"{value:.3f}"
    if unit in ("share", "per year"):
        return f"{value:.1%}"
    if abs(value) >= 1e9:
        return f"{value / 1e9:,.1f} billion"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.1f} million"
    return f"{value:,.0f}"


def synthetic_banner(console: Console, notice: str) -> None:
    console.print(Box(notice or "SYNTHETIC DATA", title="SYNTHETIC DEMO DATA", style="bold yellow"))


def summary(console: Console, result) -> None:
    if result.synthetic:
        synthetic_banner(console, result.notice)
    table = Table(title=f"Headline figures {result.year_from}–{result.year_to} "
                        f"(money: {result.basis.label})", title_justify="left")
    for column in ("figure", "value", "unit", "period", "source", "published"):
        table.add_column(column, overflow="fold")
    for f in result.figures:
        published = ""
        if f.published:
            published = f"{f.published.get('value')} {f.published.get('unit', '')} " \
                        f"({f.published.get('period', '')}; {f.published.get('source', '')})"
        table.add_row(f.label, _number(f.value, f.unit), f.unit, f.period,
                      f.source + (f"; {f.note}" if f.note else ""), published)
    console.print(table)
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
    if output:
        console.print(f"written to {output}", highlight=False)
        return
    columns = [c for c in result.frame.columns if c not in ("name_zh", "currency", "prices")]
    console.print(result.frame[columns].head(10).to_string(max_cols=12), highlight=False)
    console.print(f"... {len(result.frame)} rows, {len(result.frame.columns)} columns; "
                  "write them all with -o FILE", highlight=False)


def info(console: Console, location: str, backend: str, meta: dict, counts: dict) -> None:
    if meta.get("synthetic") == "true":
        synthetic_banner(console, meta.get("synthetic_notice", ""))
    console.print(f"Ledger: {location} ({backend})", highlight=False)
    table = Table("table", "rows")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)
