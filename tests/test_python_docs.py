"""docs/python.md: every python block runs, in order, in one namespace, on the demo ledger."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

DOC = Path(__file__).parents[1] / "docs" / "python.md"


def test_python_docs_examples_run(report_demo_db, tmp_path, monkeypatch):
    (tmp_path / "pairaid-demo").mkdir()
    shutil.copy(report_demo_db, tmp_path / "pairaid-demo" / "demo.db")
    monkeypatch.chdir(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text("utf-8"), flags=re.S)
    assert len(blocks) >= 5
    namespace: dict = {}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"docs/python.md block {number}", "exec"), namespace)  # noqa: S102
    assert namespace["coverage"].statement.startswith("flows recorded for 96 of 96 pairings")
    assert namespace["elasticity"].nobs > 0


def test_the_api_and_the_cli_print_the_same_summary(report_demo_db):
    import json

    from typer.testing import CliRunner

    import pairaid
    from pairaid.cli.main import app

    with pairaid.open(report_demo_db) as ledger:
        ours = ledger.summary(year_from=2012).to_dict()
    result = CliRunner().invoke(app, ["summary", "--db", str(report_demo_db), "--from", "2012",
                                      "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(ours))
    assert ours["coverage"]["statement"].startswith("flows recorded for 96 of 96 pairings")


def test_every_result_has_the_notebook_methods(report_demo_db):
    import pairaid

    with pairaid.open(report_demo_db) as ledger:
        results = [ledger.summary(), ledger.panel(), ledger.coverage(), ledger.audit(),
                   ledger.equity(), ledger.dependence(), ledger.environment(),
                   ledger.index()]
    for result in results:
        frame = result.to_frame()
        assert len(frame) > 0 and frame.equals(result.tidy())
        assert isinstance(result.to_dict(), dict)
        assert "<table" in result._repr_html_()
