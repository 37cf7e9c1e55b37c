"""`pairaid report`: the evaluation report as one self-contained HTML page (and a PDF).

Thin: open the ledger, call `pairaid.report.build.build_report`, say where the files are."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import Db, IncludeDrafts, Json, run_command


def report(
    db: Db = None,
    out_dir: Annotated[Path, typer.Option("-o", "--output", "--out", help="Folder for index.html, charts/, "
                                          "data/ and provenance.json")] = Path("pairaid-report"),
    lang: Annotated[Literal["en", "zh"], typer.Option("--lang", help="Language of the page: "
                                                                     "en | zh")] = "en",
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print report.pdf with headless "
                                      "Chromium")] = False,
    png: Annotated[bool, typer.Option("--png/--no-png", help="Also write every chart as PNG "
                                      "(SVG is always written)")] = True,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that holds other "
                                        "files (their namesakes are replaced, the rest kept)")]
    = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the index's Monte Carlo draws")]
    = 0,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", help="Outcome of the effect estimates: a panel column, or 'index' (the "
                          "bundled sustainable-agriculture index) [default: the demo's "
                          "sai_latent when present, else index]")] = None,
    as_json: Json = False,
    include_drafts: IncludeDrafts = False,
) -> None:
    """Write the evaluation report: headline figures, pairings, maps, the index and its rank
    uncertainty, effect estimates, who benefits, dependence, environment, audit findings, data
    gaps and methods — each with a plain-language reading, its source and the data behind it.

    Example: `pairaid report --db pairaid-demo/demo.db -o pairaid-demo/report --lang zh --pdf`
    """
    use_drafts(include_drafts)

    def body():
        from pairaid.cli import render
        from pairaid.cli.console import err, open_ledger as _open, out
        from pairaid.report.build import build_report

        store = _open(db)
        try:
            with err.status("Writing the report ...") as status:
                result = build_report(store, out_dir, force=force, db_label=store.location,
                                      lang=lang, pdf=pdf, png=png, seed=seed, outcome=outcome,
                                      progress=lambda m: status.update(f"Report: {m} ..."))
        finally:
            store.close()
        if as_json:
            import json
            import sys

            sys.stdout.write(json.dumps({
                "index_html": str(result.index_html), "out_dir": str(result.out_dir),
                "pdf": str(result.pdf) if result.pdf else None, "sections": result.sections,
                "charts": result.charts, "gaps": result.gaps, "seconds": result.seconds,
                "synthetic": result.synthetic}, ensure_ascii=False) + "\n")
            return
        if result.synthetic:
            render.synthetic_banner(out, "The report is built from SYNTHETIC demo data; every "
                                         "page says so.")
        out.print(f"Report:  {result.index_html}  ({len(result.sections)} sections, "
                  f"{len(result.charts)} charts, {result.seconds['total']:.1f} s)\n"
                  f"Data:    {result.out_dir / 'data'}  (the table behind every chart, CSV)\n"
                  f"Images:  {result.out_dir / 'charts'}  (SVG" + (", PNG)" if png else ")")
                  + f"\nRecord:  {result.out_dir / 'provenance.json'}"
                  + (f"\nPDF:     {result.pdf}" if result.pdf else ""), highlight=False)
        for gap in result.gaps:
            err.print(f"[yellow]left out:[/] {gap}", highlight=False)

    run_command(body)
