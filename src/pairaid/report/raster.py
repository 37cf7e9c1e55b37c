"""Chart specs to image files with vl-convert: SVG (Vega in V8) and PNG (resvg), fonts, PNG text.

Kept apart from `charts` (which needs Altair) so a drawing process (`report.drawing`) starts
with nothing but vl-convert: the same functions draw in the report's own process and in its
drawing processes, so the files are the same whichever draws them.
"""

from __future__ import annotations

import html
import os
from functools import lru_cache
from pathlib import Path

import vl_convert as vlc

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
def register_fonts() -> None:
    """Registers the CJK fonts with vl-convert, once per process."""
    folder = cjk_font_directory()
    if folder:
        vlc.register_font_directory(folder)


def svg_document(body: dict, vl_version: str | None) -> str:
    """The Vega-Lite spec `body` as a standalone SVG document, its root marked ``role="img"``
    with the spec's description as ``aria-label``."""
    register_fonts()
    svg = vlc.vegalite_to_svg(body, vl_version=vl_version)
    name = html.escape(str(body.get("description", "")), quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1) if name else svg


def svg_to_png(svg: str, scale: float = 2) -> bytes:
    """The SVG rasterised (what vl-convert does after Vega anyway: Vega → SVG → resvg)."""
    register_fonts()
    return vlc.svg_to_png(svg, scale=scale)


def png_with_text(png: bytes, texts: dict[str, str]) -> bytes:
    """`png` with UTF-8 text chunks (iTXt) after its header, e.g. Source and Comment: what the
    image says in pixels, also readable by a program (and by a search for "SYNTHETIC")."""
    import struct
    import zlib

    signature, rest = png[:8], png[8:]
    if signature != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    header_end = 8 + 4 + 4 + struct.unpack(">I", rest[:4])[0] + 4  # IHDR: length, type, data, crc
    chunks = b""
    for key, text in texts.items():
        data = key.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8")
        body = b"iTXt" + data
        chunks += struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    return png[:8 + header_end - 8] + chunks + png[header_end:]


def write_chart_files(spec: dict, vl_version: str | None, svg_path: str,
                      png_path: str | None, texts: dict[str, str]) -> str:
    """Draw one chart: its SVG to `svg_path` and, when asked, its PNG (from that SVG, with
    `texts` as text chunks) to `png_path`; returns the SVG."""
    svg = svg_document(spec, vl_version)
    Path(svg_path).write_text(svg, encoding="utf-8")
    if png_path:
        Path(png_path).write_bytes(png_with_text(svg_to_png(svg), texts))
    return svg
