"""What every chart of the report shares: palettes, fonts, inline data, title and alt text."""

from __future__ import annotations

import json
from collections.abc import Iterable

import altair as alt
import pandas as pd

from pairaid.errors import InputError
from pairaid.report.i18n import check_lang, label, label_or_text

#: Okabe & Ito (2008) colour-blind-safe categories, ordered so the first ones contrast most on
#: white (the yellow comes late).
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
             "#000000")
#: Sequential scheme for magnitudes (perceptually uniform, colour-blind safe).
SEQUENTIAL = "viridis"
MISSING_GREY = "#cfcfcf"
MUTED = "#6b6b6b"
#: Font stacks: Noto Sans CJK carries Latin too, so Chinese charts use one font throughout.
FONTS = {"en": "Liberation Sans, Arial, Helvetica, sans-serif",
         "zh": "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"}
WIDTH = 560


class ChartInputError(InputError):
    """A table given to a chart lacks columns the chart needs, or has none of its rows."""


def require(df: pd.DataFrame, columns: Iterable[str], chart: str) -> pd.DataFrame:
    """The frame, or an error naming the missing columns."""
    columns = list(columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = ", ".join(map(str, df.columns))
        raise ChartInputError(f"{chart}: the table lacks column(s) {', '.join(missing)} "
                              f"(needs {', '.join(columns)}; has {have})")
    if df.empty:
        raise ChartInputError(f"{chart}: the table has no rows")
    return df


def values(df: pd.DataFrame) -> alt.Data:
    """Rows inlined as JSON values (NaN → null), so the spec never points at a URL."""
    return alt.Data(values=json.loads(df.to_json(orient="records", force_ascii=False)))


def categories(domain: list[str], palette: tuple[str, ...] = OKABE_ITO) -> alt.Scale:
    """Categorical colours; the palette repeats past eight categories."""
    return alt.Scale(domain=domain, range=[palette[i % len(palette)] for i in range(len(domain))])


def titled(text: str, lang: str, subtitle: str | None) -> alt.Title:
    return alt.Title(text, subtitle=label_or_text(subtitle, lang) if subtitle else alt.Undefined,
                     anchor="start")


def finish(chart, title_id: str, description: str, lang: str, subtitle: str | None = None,
           title: str | None = None):
    """Title, alt text (the top-level ``description``) and the language's fonts."""
    lang = check_lang(lang)
    font = FONTS[lang]
    return (chart.properties(title=titled(title or label(title_id, lang), lang, subtitle),
                             description=description)
            .configure(font=font)
            .configure_title(font=font, fontSize=15, subtitleColor=MUTED, subtitleFontSize=11)
            .configure_axis(labelFont=font, titleFont=font, labelFontSize=11, titleFontSize=12)
            .configure_legend(labelFont=font, titleFont=font, labelLimit=260)
            .configure_view(stroke=None))


def years(series: pd.Series) -> tuple[int, int]:
    return int(series.min()), int(series.max())


def level_pct(level: float) -> str:
    return f"{level * 100:g}"
