"""`pairaid audit`: cost per output, disbursement, duplicates, Benford and completeness checks.

Thin: open the ledger, call `pairaid.audit.audit_ledger`, print. The lead registers it in main.py
(``app.command()(audit)``); main's helpers are imported inside the function (main imports this
module).
"""

from __future__ import annotations

from typing import Annotated

import typer

from pairaid.cli.console import use_drafts
from pairaid.cli.options import Db, IncludeDrafts, Json, Lang, run_command

AsOf = Annotated[int | None, typer.Option("--as-of", help="Year delays are judged at (default: "
                                          "the latest year in the ledger)")]
Records = Annotated[int, typer.Option("--records", help="Records shown per finding (JSON: 200)")]


def audit(db: Db = None, json_: Json = False, as_of: AsOf = None, records: Records = 5,
          lang: Lang = "en", include_drafts: IncludeDrafts = False) -> None:
    """Audit the ledger: cost-per-output outliers, disbursement ratios, delays, duplicates,
    round-number bias, Benford digit tests and missing data, each with the records concerned.

    Example: `pairaid audit --db pairaid-demo/demo.db --json`
    """
    use_drafts(include_drafts)

    def body() -> None:
        from pairaid import api
        from pairaid.cli.console import open_ledger as _open

        with api.Ledger(_open(db)) as ledger:
            report = ledger.audit(as_of=as_of)
            coverage = None if json_ else ledger.coverage()
        if json_:
            typer.echo(report.to_json(indent=2))
            return
        typer.echo(report.summary)
        for finding in report.flagged:
            if finding.count:
                typer.echo(f"\n{finding.check} (first {min(records, finding.count)} of "
                           f"{finding.count}):")
                typer.echo(finding.records.head(records).to_string(index=False))
        from pairaid.cli import reading

        reading.show(reading.audit(report), lang, coverage)

    run_command(body)
