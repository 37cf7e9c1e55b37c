"""What every results object offers in a notebook: `tidy()`, `to_frame()`, `to_dict()` and
`_repr_html_()` (issue 12). Each results class defines `tidy()` and `to_dict()`; this mixin adds
`to_frame()` (the tidy table) and a default HTML view for classes without their own."""

from __future__ import annotations

import html

import pandas as pd


class ResultsMixin:
    """Mix into a results class that has `tidy()` and `to_dict()`."""

    def tidy(self) -> pd.DataFrame:  # pragma: no cover - every class overrides it
        raise NotImplementedError

    def to_dict(self) -> dict:  # pragma: no cover - every class overrides it
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """The tidy table as a DataFrame (the same as `tidy()`)."""
        return self.tidy()

    def _repr_html_(self) -> str:
        parts = []
        if getattr(self, "synthetic", False):
            parts.append("<p><b>SYNTHETIC: computed from the demo's synthetic data.</b></p>")
        summary = getattr(self, "summary", None)
        if isinstance(summary, str):
            parts.append(f"<pre>{html.escape(summary)}</pre>")
        parts.append(self.tidy().head(50).to_html(index=False))
        parts += [f"<p>note: {html.escape(n)}</p>" for n in getattr(self, "notes", ())]
        return "".join(parts)
