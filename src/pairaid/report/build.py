"""`build_report`: collect the results, lay out the sections, draw the charts, write the folder.

DIR/index.html        the self-contained page (opens offline)
DIR/charts/ID.svg|png every chart as an image
DIR/data/ID.csv       the table behind every chart; data/table_ID.csv behind every table
DIR/provenance.json   ledger fingerprint, versions, specs, seeds, date, timings
DIR/report.pdf        with pdf=True (headless Chromium)
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pairaid.errors import InputError
from pairaid.ledger.fingerprint import ledger_fingerprint
from pairaid.provenance import package_version
from pairaid.report.datapackage import rounded, write_datapackage

LANGS = ("en", "zh")
#: The file that marks a folder as a pairaid report (so a rebuild may replace it whole).
REPORT_MARKER = ".pairaid-report"
#: packages whose versions the provenance records
_VERSIONED = ("pairaid", "numpy", "pandas", "scipy", "pyfixest", "differences", "altair",
              "vl-convert-python", "sqlalchemy")


class ReportError(InputError):
    """The report cannot be written as asked (bad language, unwritable folder, no browser)."""


@dataclass
class ReportResult:
    out_dir: Path
    index_html: Path
    pdf: Path | None
    charts: list[str]
    sections: list[str]
    seconds: dict[str, float] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)
    synthetic: bool = False


def build_report(store, out_dir: str | Path, *, force: bool = False, **options) -> ReportResult:
    """Write the report for the ledger `store` into `out_dir`: a new or empty folder, or one an
    earlier report made (`force` writes into any folder). The report is written whole into a
    folder beside it that then takes its place (`atomic.staged_folder`): no stale file of an
    earlier report stays, and a failure leaves the earlier report as it was. Every read sees one
    snapshot of the ledger, so the provenance fingerprint is of the ledger the figures show (and
    a question the analyses ask twice is read once)."""
    from pairaid.atomic import staged_folder

    final = Path(out_dir)
    with store.snapshot(reuse_reads=True), staged_folder(final, REPORT_MARKER, force=force,
                                         what="report") as staging:
        result = _write_report(store, staging, **options)
    pdf = final / result.pdf.name if result.pdf else None
    return dataclasses.replace(result, out_dir=final, index_html=final / "index.html", pdf=pdf)


def _write_report(store, out_dir: str | Path, *, db_label: str = "", lang: str = "en",
                  pdf: bool = False, png: bool = True, draws: int | None = None,
                  seed: int = 0, outcome: str | None = None, progress=None) -> ReportResult:
    """Write the report for the ledger `store` into `out_dir` (created if needed)."""
    from pairaid.report import charts as chartlib
    from pairaid.report.collect import SENSITIVITY_DRAWS, collect
    from pairaid.report.verdict import page_heading
    from pairaid.report.page import render_page
    from pairaid.report.sections import build_sections
    from pairaid.report.text import word

    if lang not in LANGS:
        raise ReportError(f"unknown --lang '{lang}' (use en or zh)")
    out = Path(out_dir)
    try:
        (out / "charts").mkdir(parents=True, exist_ok=True)
        (out / "data").mkdir(exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot write the report folder {out}: {exc.strerror}") from exc
    step = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        # started first, so the drawing process starts and warms V8 up during the analyses
        drawer = _start_drawer(stack, chartlib)
        step("running the analyses")
        inputs = collect(store, db_label, draws=draws or SENSITIVITY_DRAWS, seed=seed,
                         outcome=outcome)
        seconds["analyses"] = round(time.perf_counter() - start, 3)
        seconds.update({f"analysis: {k}": v for k, v in inputs.seconds.items()})
        fingerprint = ledger_fingerprint(store)
        sections = build_sections(inputs, lang)
        step("drawing the charts")
        mark = time.perf_counter()
        drawn = {}
        footer = chart_footer(inputs, fingerprint, lang)
        written = []
        for section in sections:
            for chart in section.charts:
                drawn[chart.id] = _draw(chartlib, chart, lang, out, png, footer, drawer)
                written.append((chart.id, chart.frame, section.id))
            for table in section.tables:
                written.append((f"table_{table.id}", table.frame, section.id))
        for name, frame, _ in written:
            rounded(frame).to_csv(out / "data" / f"{name}.csv", index=False)
        write_datapackage(out, written, inputs, fingerprint, lang)
        if drawer is not None:  # the page inlines every SVG: wait for the last
            drawer.finish()
            for chart_id, chart in drawn.items():
                chart["svg"] = (out / "charts" / f"{chart_id}.svg").read_bytes().decode("utf-8")
        seconds["charts"] = round(time.perf_counter() - mark, 3)
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    heading, subtitle = page_heading(inputs, lang, fingerprint)
    html = render_page(sections=sections, charts=drawn, lang=lang, title=heading,
                       subtitle=subtitle, synthetic=inputs.synthetic,
                       banner=word("synthetic_banner", lang), vega=chartlib.vega_bundle(),
                       generated=generated, version=package_version(),
                       ledger_hash=fingerprint)
    index_html = out / "index.html"
    index_html.write_text(html, encoding="utf-8")
    pdf_path = None
    if pdf:
        from pairaid.report.pdf import print_pdf

        step("printing the PDF")
        mark = time.perf_counter()
        pdf_path = print_pdf(index_html, out / "report.pdf")
        seconds["pdf"] = round(time.perf_counter() - mark, 3)
    seconds["total"] = round(time.perf_counter() - start, 3)
    _provenance(out, inputs, fingerprint, lang, generated, seconds, sorted(drawn))
    return ReportResult(out, index_html, pdf_path, sorted(drawn), [s.id for s in sections],
                        seconds, list(inputs.gaps), inputs.synthetic)


@dataclass(frozen=True)
class ChartFooter:
    """What every chart image says at its foot: source, price basis, SYNTHETIC (or not)."""

    parts: tuple[str, ...]
    font: str


def chart_footer(inputs, fingerprint: str, lang: str) -> ChartFooter:
    """The footer of every chart of this report, in its language, from the report's context:
    applied in `_draw`, so no chart can be written without it."""
    from pairaid.report.chart_style import FONTS
    from pairaid.report.i18n import label
    from pairaid.report.model import basis_text

    source = (f"{label('footer.source', lang)}: "
              f"{label('footer.ledger', lang, fingerprint=fingerprint[:12])}")
    prices = f"{label('footer.prices', lang)}: {basis_text(inputs.summary.basis, lang)}"
    parts = [source, prices]
    if inputs.synthetic:
        parts.append(label("footer.synthetic", lang))
    return ChartFooter(tuple(parts), FONTS[lang])


def _make(chartlib, chart, lang: str):
    options = dict(chart.options)
    message = chart.title(lang)
    if message:
        options["title"] = message
    if chart.kind == "choropleth":
        features = options.pop("features")
        return chartlib.choropleth(features, chart.frame, options.pop("title_id"),
                                   options.pop("unit"), lang, **options)
    if chart.kind == "synthetic_control_plot":
        return chartlib.synthetic_control_plot(chart.frame, options.pop("treat_time"), lang,
                                               **options)
    return getattr(chartlib, chart.kind)(chart.frame, lang, **options)


def chart_specs(chartlib, chart, lang: str, footer: ChartFooter) -> tuple[dict, dict]:
    """The Vega-Lite specs of one chart with its footer: page width and phone width (what the
    report's page and the dashboard embed)."""
    from pairaid.report.chart_style import narrow

    # the JSON-schema check is left to the tests (every chart function is validated there):
    # here it would cost ~0.1 s a chart
    parts = chart_footer_parts(chart, lang, footer)
    spec = chartlib.with_footer(chartlib.spec(_make(chartlib, chart, lang), validate=False),
                                parts, footer.font)
    with narrow():
        phone = chartlib.with_footer(chartlib.spec(_make(chartlib, chart, lang),
                                                   validate=False), parts, footer.font, 11)
    return spec, phone


def chart_footer_parts(chart, lang: str, footer: ChartFooter) -> list[str]:
    """The footer of `chart`: the report's, with the chart's own prices when it is in other
    prices than the report's, and without a price basis when it shows no money."""
    from pairaid.report.i18n import label

    parts = list(footer.parts)
    if chart.options.get("prices"):  # a chart in other prices than the report's says so
        parts[1] = f"{label('footer.prices', lang)}: {chart.options['prices']}"
    elif not chart.shows_money:
        del parts[1]
    return parts


def _start_drawer(stack: contextlib.ExitStack, chartlib):
    """The report's drawing process (`report.drawing`), or None: drawing in this process (on
    one core, with PAIRAID_DRAW_PROCESS=0, or when no process could be started)."""
    from pairaid.report.drawing import Drawer, wanted

    if not wanted():
        return None
    try:
        return stack.enter_context(Drawer(chartlib.vl_version()))
    except OSError:
        return None


def _draw(chartlib, chart, lang: str, out: Path, png: bool, footer: ChartFooter,
          drawer=None) -> dict:
    """Build one chart from its frame (page width and phone width), add the footer, write its
    SVG and PNG (or hand them to `drawer`, which writes them: the "svg" is then filled in after
    `drawer.finish()`); return what the page needs."""
    from pairaid.report.raster import write_chart_files

    spec, phone = chart_specs(chartlib, chart, lang, footer)
    parts = chart_footer_parts(chart, lang, footer)
    texts = {"Source": parts[0], "Comment": " · ".join(parts[1:])}
    svg_path = out / "charts" / f"{chart.id}.svg"
    png_path = out / "charts" / f"{chart.id}.png" if png else None
    if drawer is not None:
        drawer.submit(chart.id, spec, svg_path, png_path, texts)
        svg = ""
    else:
        svg = write_chart_files(spec, chartlib.vl_version(), svg_path, png_path, texts)
    return {"svg": svg, "spec": spec, "narrow_spec": phone,
            "description": spec.get("description", "")}


def _provenance(out: Path, inputs, fingerprint: str, lang: str, generated: str,
                seconds: dict, charts: list[str]) -> None:
    from dataclasses import asdict

    from pairaid.measure.spec_toml import load_spec

    specs = {}
    for role, name in inputs.specs.items():
        try:
            specs[role] = {"name": name, "spec": asdict(load_spec(name))}
        except (InputError, OSError):  # the name alone still identifies the bundled spec
            specs[role] = {"name": name}
    record = {
        "generated": generated, "language": lang, "ledger": inputs.db_label,
        "ledger_sha256": fingerprint, "synthetic": inputs.synthetic,
        "notice": inputs.notice if inputs.synthetic else "",
        "versions": {name: package_version(name) for name in _VERSIONED},
        "specs": specs, "seeds": inputs.seeds, "charts": charts, "data_gaps": inputs.gaps,
        "seconds": seconds,
        "outcome": inputs.outcome,
        "commands": {"summary": "pairaid summary --json",
                     "elasticity": "pairaid estimate --json",
                     "elasticity_outcome": f"pairaid estimate --outcome {inputs.outcome} --json",
                     "event_study": f"pairaid event-study --outcome {inputs.outcome} --log "
                                    "--json (--log when the outcome is positive)"},
    }
    (out / "provenance.json").write_text(json.dumps(record, indent=2, ensure_ascii=False,
                                                    default=str), encoding="utf-8")
