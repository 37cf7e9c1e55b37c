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

import html
import json
import os
from functools import lru_cache
from pathlib import Path

import altair as alt
import vl_convert as vlc

from pairaid.provenance import package_version as _package_version

from pairaid.report.charts_distribution import (audit_counts, benford_bars, decoupling_scatter,
                                                dependence_lines, group_bars, lorenz_curves,
                                                theil_decomposition)
from pairaid.report.charts_estimates import (coefficient_plot, dose_response_plot,
                                             event_study_plot, rank_intervals,
                                             synthetic_control_plot)
from pairaid.report.charts_programme import (choropleth, funds_by_year, pairing_flows,
                                             rounds_timeline)

__all__ = ["funds_by_year", "rounds_timeline", "pairing_flows", "choropleth", "rank_intervals",
           "coefficient_plot", "event_study_plot", "dose_response_plot",
           "synthetic_control_plot", "lorenz_curves", "theil_decomposition", "group_bars",
           "dependence_lines", "decoupling_scatter", "benford_bars", "audit_counts", "spec",
           "render_svg", "render_png", "alt_text", "vega_bundle", "embed_script",
           "cjk_font_directory"]

#: Where Debian's fonts-noto-cjk puts Noto Sans CJK; ``PAIRAID_CJK_FONT_DIR`` overrides.
_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk",
              "/usr/share/fonts/google-noto-cjk", "/usr/share/fonts/opentype/noto-cjk")


def cjk_font_directory() -> str | None:
    """The directory holding Noto Sans CJK (None when none is found: Chinese renders as boxes)."""
    override = os.environ.get("PAIRAID_CJK_FONT_DIR")
    if override and Path(override).is_dir():
        return override
    for folder in _FONT_DIRS:
        if Path(folder).is_dir() and any(Path(folder).glob("NotoSansCJK*")):
            return folder
    return None


@lru_cache(maxsize=1)
def _converter_ready() -> str | None:
    """Registers the CJK fonts with vl-convert once per process; the Vega-Lite version to use."""
    folder = cjk_font_directory()
    if folder:
        vlc.register_font_directory(folder)
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
    svg = vlc.vegalite_to_svg(body, vl_version=version)
    name = html.escape(str(body.get("description", "")), quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1) if name else svg


def render_png(chart, scale: float = 2, svg: str | None = None) -> bytes:
    """The chart as PNG bytes; ``scale=2`` gives print/retina resolution.

    Pass the chart's ``svg`` from :func:`render_svg` to rasterise it instead of running Vega a
    second time (what vl-convert does inside anyway: Vega → SVG → resvg).
    """
    version = _converter_ready()
    if svg is not None:
        return vlc.svg_to_png(svg, scale=scale)
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
