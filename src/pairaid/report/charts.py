"""Every chart of the report and the dashboard, as Vega-Lite specs built with Altair.

Each chart function takes a tidy DataFrame (columns in its docstring) and ``lang`` (``"en"`` or
``"zh"``) and returns an Altair chart whose spec carries a title, axis titles with units, alt
text (the top-level ``description``), tooltips and colour-blind-safe colours, with its data
inline (no URL), so the page works offline. The functions draw; they compute no statistic.

Offline output: :func:`render_svg`, :func:`render_png` (vl-convert, Chinese via the Noto CJK
fonts). Interactive in a page: inline :func:`vega_bundle` once, then :func:`embed_script` per
chart — see :func:`vega_bundle` for the snippet.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import altair as alt
import vl_convert as vlc

from pairaid.provenance import package_version as _package_version

from pairaid.report.charts_distribution import (audit_counts, benford_bars, cost_per_output,
                                                decoupling_scatter,
                                                dependence_lines, group_bars, lorenz_curves,
                                                theil_decomposition)
from pairaid.report.charts_estimates import (coefficient_plot, dose_response_plot,
                                             event_study_plot, rank_intervals,
                                             synthetic_control_plot)
from pairaid.report.charts_programme import (choropleth, funds_by_year, pairing_flows,
                                             rounds_timeline)
from pairaid.report.charts_policy import obligation_band, pairing_support, scenario_fan
from pairaid.report.raster import (cjk_font_directory, png_with_text, register_fonts,
                                   svg_document, svg_to_png)

__all__ = ["funds_by_year", "rounds_timeline", "pairing_flows", "choropleth", "rank_intervals",
           "coefficient_plot", "event_study_plot", "dose_response_plot",
           "synthetic_control_plot", "lorenz_curves", "theil_decomposition", "group_bars",
           "dependence_lines", "decoupling_scatter", "benford_bars", "audit_counts",
           "cost_per_output", "obligation_band", "pairing_support", "scenario_fan", "spec",
           "with_footer", "footer_lines", "png_with_text", "render_svg", "render_png",
           "vl_version", "alt_text", "vega_bundle", "embed_script", "cjk_font_directory"]


@lru_cache(maxsize=1)
def _converter_ready() -> str | None:
    """Registers the CJK fonts with vl-convert once per process; the Vega-Lite version to use."""
    register_fonts()
    return vl_version()


@lru_cache(maxsize=1)
def vl_version() -> str | None:
    """The Vega-Lite version the charts are drawn with (Altair's, when vl-convert has it)."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def spec(chart, validate: bool = True) -> dict:
    """The Vega-Lite JSON of a chart, data inlined (``datasets`` / ``values``, never ``url``).

    ``validate=False`` skips the JSON-schema check (slow on a map's inline geometry); the
    renderers use it, the tests check every chart with it on.
    """
    return chart.to_dict(validate=validate)


def alt_text(chart) -> str:
    """The chart's alt text (the top-level ``description``)."""
    return str(spec(chart, validate=False).get("description", ""))


def render_svg(chart) -> str:
    """The chart (or its spec from :func:`spec`) as a standalone SVG document (text as
    ``<text>``, fonts named, not embedded), its root marked ``role="img"`` with the alt text as
    ``aria-label``."""
    version = _converter_ready()
    body = chart if isinstance(chart, dict) else spec(chart, validate=False)
    return svg_document(body, version)


def render_png(chart, scale: float = 2, svg: str | None = None) -> bytes:
    """The chart as PNG bytes; ``scale=2`` gives print/retina resolution.

    Pass the chart's ``svg`` from :func:`render_svg` to rasterise it instead of running Vega a
    second time (what vl-convert does inside anyway: Vega → SVG → resvg).
    """
    version = _converter_ready()
    if svg is not None:
        return svg_to_png(svg, scale=scale)
    return vlc.vegalite_to_png(spec(chart, validate=False), vl_version=version, scale=scale)


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script (about 0.9 MB; built once, ~3 s).

    It is a plain script (no ``import``/``export``) whose last statements set ``window.vegaEmbed``,
    ``window.vega`` and ``window.vegaLite``; it contains no ``</script``. Inline it once, before the
    charts, then embed each chart. Module scripts run in document order after parsing, so a
    module bundle needs module embeds (a classic embed would run before it); a classic bundle
    works with either::

        <script type="module">{vega_bundle()}</script>
        <div id="chart-funds"></div>
        <script type="module">{embed_script(chart, "chart-funds")}</script>

    Checked offline in headless Chromium 156 (file:// page, host resolution blocked): every mark
    is in the DOM, hovering shows vega-tooltip's ``#vg-tooltip-element`` (the handler is in the
    bundle) and vega-embed puts the spec's ``description`` on the container as ``aria-label``.

    Building it takes ~2.6 s, a seventh of a report, so it is kept in the user's cache folder
    (``$XDG_CACHE_HOME/pairaid`` or ``~/.cache/pairaid``) under vl-convert's version; a cache
    that cannot be written is skipped, never an error.
    """
    version = getattr(vlc, "__version__", None) or _package_version("vl-convert-python")
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pairaid"
    cached = folder / f"vega-bundle-{version}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vlc.javascript_bundle()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(bundle, encoding="utf-8")
        partial.replace(cached)  # atomic: a reader never sees half a bundle
    except OSError:
        pass
    return bundle


def embed_script(chart, element_id: str, renderer: str = "svg") -> str:
    """JavaScript that draws ``chart`` into ``<div id=element_id>``; safe inside ``<script>``."""
    text = json.dumps(spec(chart, validate=False), ensure_ascii=False, separators=(",", ":"))
    text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    target = json.dumps("#" + element_id)
    return (f"window.vegaEmbed({target}, {text}, {{renderer: {json.dumps(renderer)}, "
            f"actions: false}}).catch(console.error);")


# -- the footer every chart image carries (issue 10): source, prices, SYNTHETIC -----------------
_FOOTER_FONT_SIZE = 10
#: keys that stay on the outer spec when a chart is wrapped with its footer
_TOP_KEYS = ("$schema", "config", "description", "title", "datasets", "params", "autosize",
             "background", "padding", "usermeta")


def _text_width(text: str, size: float = _FOOTER_FONT_SIZE) -> float:
    """Rough pixel width of `text` (CJK full width, Latin about 0.56 em)."""
    return sum(size if ord(c) > 0x2E80 else 0.56 * size for c in text)


def footer_lines(parts: list[str], width_px: float) -> list[str]:
    """The footer's parts joined with ' · ' and wrapped to `width_px` (at part boundaries, then
    at spaces inside a part too long for a line; never cut inside a word)."""
    words: list[str] = []
    for part in parts:
        if _text_width(part) <= width_px:
            words.append(part)
        else:
            words.extend(part.split(" "))
    lines: list[str] = []
    for word_ in words:
        sep = " · " if word_ in parts else " "
        if lines and _text_width(lines[-1] + sep + word_) <= width_px:
            lines[-1] += sep + word_
        else:
            lines.append(word_)
    return lines


def with_footer(spec_dict: dict, parts: list[str], font: str, size: float = _FOOTER_FONT_SIZE
                ) -> dict:
    """The chart spec with a footer view below it holding `parts` (source, prices, SYNTHETIC):
    the text is part of the drawing, so it is in the SVG, the PNG and the interactive chart."""
    inner = {k: v for k, v in spec_dict.items() if k not in _TOP_KEYS}
    outer = {k: v for k, v in spec_dict.items() if k in _TOP_KEYS}
    plot_width = inner.get("width")
    room = float(plot_width) if isinstance(plot_width, (int, float)) else 400.0
    lines = footer_lines([p for p in parts if p], (room + 30) * _FOOTER_FONT_SIZE / size)
    footer = {"data": {"values": [{}]},
              "mark": {"type": "text", "align": "left", "baseline": "top", "font": font,
                       "fontSize": size, "lineHeight": size + 3,
                       "color": "#5a5a5a"},
              "encoding": {"x": {"value": 0}, "y": {"value": 0},
                           "text": {"value": lines}},
              "width": room, "height": (size + 3) * len(lines)}
    # legends stay with the chart's own view (above the footer), not at the foot of the whole
    legends = {channel: "independent" for channel in
               ("color", "fill", "stroke", "size", "shape", "opacity", "strokeDash")}
    return {**outer, "vconcat": [inner, footer], "spacing": 8,
            "resolve": {"legend": legends}}
