"""What every chart of the report shares: palettes, fonts, inline data, title and alt text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

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
#: plot width of the narrow version of every chart (phones): with the axis labels the image is
#: about 360 px wide, so a 390 px screen shows it at full size (text at 11-12 px, never < 9 px)
NARROW_WIDTH = 270
_NARROW: ContextVar[bool] = ContextVar("pairaid_narrow_charts", default=False)


@contextmanager
def narrow() -> Iterator[None]:
    """Inside this block every chart function draws its narrow (phone) version: a smaller plot,
    legends below it, larger text (the page picks this version at <= 600 px)."""
    token = _NARROW.set(True)
    try:
        yield
    finally:
        _NARROW.reset(token)


def is_narrow() -> bool:
    return _NARROW.get()


def width(less: int = 0) -> int:
    """The plot width: WIDTH − less on a page, or the narrow width (less scaled down) on a
    phone."""
    if _NARROW.get():
        return max(int(NARROW_WIDTH - less * 0.85), 110)
    return WIDTH - less


def legend_orient(wide: str = "bottom") -> str:
    """Where a legend goes: ``wide`` on a page, always below the plot on a phone."""
    return "bottom" if _NARROW.get() else wide


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


class InlineRows(alt.Data):
    """Inline rows that Altair copies by reference: every chart method (``encode``,
    ``properties``, each ``configure_*``) deep-copies the chart, rows and all, and for a map's
    geometry that was most of the time spent drawing the report (0.1-0.6 s a map, idle). The
    rows are never changed once handed over, so a copy is a new wrapper around the same list
    (a new object, as before: Altair lifts a layer's data by identity, so the spec is
    unchanged). Nor are they checked against the schema row by row when wrapped (Altair's
    debug mode does that for every object it makes); the whole spec is, in the tests."""

    _class_is_valid_at_instantiation = False

    def __deepcopy__(self, memo=None):
        return type(self)(**self._kwds)

    def to_dict(self, validate: bool = True, *, ignore=None, context=None) -> dict:
        # the rows are plain JSON (json.loads of a frame, GeoJSON): Altair's walk over every
        # value would give them back unchanged, at ~0.1 s a map; the spec is validated whole
        # where it is validated at all
        return {k: v for k, v in self._kwds.items() if v is not alt.Undefined}

    def __repr__(self) -> str:
        # as alt.Data's: Altair names a view with a parameter by hashing this text
        return "Data" + super().__repr__()[len(type(self).__name__):]


def values(df: pd.DataFrame) -> alt.Data:
    """Rows inlined as JSON values (NaN → null), so the spec never points at a URL."""
    return InlineRows(values=json.loads(df.to_json(orient="records", force_ascii=False)))


def categories(domain: list[str], palette: tuple[str, ...] = OKABE_ITO) -> alt.Scale:
    """Categorical colours; the palette repeats past eight categories."""
    return alt.Scale(domain=domain, range=[palette[i % len(palette)] for i in range(len(domain))])


def wrap(text: str, px: float, size: float, em: float = 0.56) -> str | list[str]:
    """`text` in lines no wider than about `px` at font `size` (CJK characters a full em, Latin
    `em`), broken at spaces (and between CJK characters); one line stays a string."""
    def wide(s: str) -> float:
        return sum(size if ord(c) > 0x2E80 else em * size for c in s)

    if wide(text) <= px:
        return text
    tokens = text.split(" ") if " " in text else list(text)
    sep = " " if " " in text else ""
    lines = [""]
    for token in tokens:
        trial = lines[-1] + (sep if lines[-1] else "") + token
        if lines[-1] and wide(trial) > px:
            lines.append(token)
        else:
            lines[-1] = trial
    return lines


def titled(text: str, lang: str, subtitle: str | None) -> alt.Title:
    room = width() + (50 if _NARROW.get() else 140)
    small = 12 if _NARROW.get() else 11
    sub = wrap(label_or_text(subtitle, lang), room, small) if subtitle else alt.Undefined
    return alt.Title(wrap(text, room, 15, em=0.6), subtitle=sub, anchor="start")


def finish(chart, title_id: str, description: str, lang: str, subtitle: str | None = None,
           title: str | None = None):
    """Title (a message when ``title`` is given, else the label ``title_id``), subtitle (the
    measure and its unit), alt text (the top-level ``description``) and the language's fonts.

    Labels are never cut short (``labelLimit`` 0): a truncated place or unit name misleads.
    The source/price/SYNTHETIC footer is added by :func:`pairaid.report.charts.with_footer`
    when the report draws the chart.
    """
    lang = check_lang(lang)
    font = FONTS[lang]
    small = 12 if _NARROW.get() else 11
    heading = label_or_text(title, lang) if title else label(title_id, lang)
    return (chart.properties(title=titled(heading, lang, subtitle), description=description)
            .configure(font=font)
            .configure_title(font=font, fontSize=15, subtitleColor=MUTED, subtitleFontSize=small,
                             limit=0, subtitleLineHeight=small + 3)
            .configure_axis(labelFont=font, titleFont=font, labelFontSize=small,
                            titleFontSize=small + 1, labelLimit=0)
            .configure_legend(labelFont=font, titleFont=font, labelLimit=0, titleLimit=0,
                              labelFontSize=small, titleFontSize=small + 1,
                              **({"direction": "vertical"} if _NARROW.get() else {}))
            .configure_text(fontSize=small)
            .configure_view(stroke=None))


def years(series: pd.Series) -> tuple[int, int]:
    return int(series.min()), int(series.max())


def level_pct(level: float) -> str:
    return f"{level * 100:g}"
