"""Benchmark: `pairaid report` on the demo ledger (issue 6: target ≤ 20 s on this machine).

Times the whole command in a fresh process (what a user waits for: start-up, every analysis,
every chart as SVG and PNG, the page), and separately with --pdf (headless Chromium printing).
Baseline in the same run: the analyses alone (`pairaid.report.collect.collect`, the same calls
the commands make) in a fresh process, so the ratio is what laying out and drawing the report
costs on top of computing what it shows.

    python bench/report.py [--quick]

Prints JSON lines: figure = seconds; ratio = report / analyses-only; cpu_s the command's CPU
seconds (user + system), and the load average when it ended (2 cores here, shared).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 20.0

_ANALYSES_ONLY = """
import sys, time
from pairaid.ledger import Store
from pairaid.report.collect import collect
with Store.open(sys.argv[1], create=False) as store:
    collect(store, "bench")
"""


_CPU: dict[str, list[float]] = {}


def _timed(command: list[str], what: str = "") -> float:
    """Wall seconds of the command; its CPU seconds (user + system, all its threads) go to
    _CPU[what]: on a shared machine the wall time follows the load, the CPU time much less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    _CPU.setdefault(what, []).append(after.ru_utime - before.ru_utime
                                     + after.ru_stime - before.ru_stime)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="one repeat instead of three")
    repeats = 1 if parser.parse_args().quick else 3
    pairaid = str(Path(sys.executable).with_name("pairaid"))
    with tempfile.TemporaryDirectory() as tmp:
        from pairaid.demo import build

        db = build(Path(tmp) / "demo", seed=2010)
        report, analyses, with_pdf = [], [], []
        for i in range(repeats):
            analyses.append(_timed([sys.executable, "-c", _ANALYSES_ONLY, str(db)],
                                   "analyses"))
            report.append(_timed([pairaid, "report", "--db", str(db), "-o",
                                  f"{tmp}/report{i}"], "report"))
        if shutil.which("chromium"):
            with_pdf.append(_timed([pairaid, "report", "--db", str(db), "-o", f"{tmp}/pdf",
                                    "--pdf"]))
        startup = _timed([sys.executable, "-c", "import pairaid.cli.main"])
    best = min(report)
    print(json.dumps({"benchmark": "report_demo_html_svg_png", "figure": round(best, 2),
                      "unit": "s", "baseline": "analyses only (collect), fresh process",
                      "baseline_figure": round(min(analyses), 2),
                      "ratio": round(best / min(analyses), 2), "target": TARGET_SECONDS,
                      "met": best <= TARGET_SECONDS, "repeats": repeats,
                      "process_startup_s": round(startup, 2),
                      "cpu_s": round(min(_CPU["report"]), 2),
                      "baseline_cpu_s": round(min(_CPU["analyses"]), 2),
                      "load_average": [round(x, 2) for x in os.getloadavg()]}))
    if with_pdf:
        print(json.dumps({"benchmark": "report_demo_with_pdf", "figure": round(with_pdf[0], 2),
                          "unit": "s", "baseline": "analyses only (collect), fresh process",
                          "baseline_figure": round(min(analyses), 2),
                          "ratio": round(with_pdf[0] / min(analyses), 2),
                          "target": TARGET_SECONDS, "met": with_pdf[0] <= TARGET_SECONDS}))


if __name__ == "__main__":
    main()
