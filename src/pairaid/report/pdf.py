"""Print the report to PDF with headless Chromium (Debian's `chromium`; `make` installs it).

Chromium's own print engine lays out the same page a reader sees, charts included, so the PDF
needs no second renderer. The flags keep it off the network: the report is self-contained and
this machine's network is closed, so background requests would only fail slowly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from pairaid.atomic import write_bytes
from pairaid.errors import InputError

#: where Debian puts the browser; PAIRAID_CHROMIUM overrides
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
         "--virtual-time-budget=15000")


class BrowserMissing(InputError):
    """No Chromium to print with."""


def find_chromium() -> str:
    configured = os.environ.get("PAIRAID_CHROMIUM")
    if configured:
        if shutil.which(configured) is None and not Path(configured).is_file():
            raise BrowserMissing(f"PAIRAID_CHROMIUM={configured} is not an executable")
        return configured
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissing("--pdf needs Chromium and none was found: install Debian's "
                         "`chromium` (make demo does), or set PAIRAID_CHROMIUM")


def print_pdf(html: Path, pdf: Path, timeout: float = 120.0) -> Path:
    """Print `html` to `pdf` (A4, backgrounds on); returns the PDF's path."""
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="pairaid-chromium-") as profile:
        command = [browser, *FLAGS, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            raise BrowserMissing(f"Chromium did not finish printing within {timeout:.0f} s") \
                from exc
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise BrowserMissing(f"Chromium could not print {html.name} (exit {done.returncode}): "
                             + " | ".join(tail))
    write_bytes(pdf, relative_links(pdf.read_bytes(), html.resolve().parent))
    return pdf


_URI = re.compile(rb"/URI \((file://[^)\\]*)\)")


def relative_links(data: bytes, folder: Path) -> bytes:
    """The PDF with every link into `folder` made relative to it (Chromium writes them as
    absolute file:// URLs of the machine that printed, useless once the folder is copied).

    Each URI string is replaced by one of exactly the same length — the relative path behind
    "./" repeats, and a trailing "#" (an empty fragment) when the difference is odd — so every
    byte offset in the cross-reference table stays right. Links elsewhere are left alone.
    """
    prefix = folder.as_uri().encode() + b"/"

    def swap(match: re.Match) -> bytes:
        absolute = match.group(1)
        if not absolute.startswith(prefix):
            return match.group(0)
        relative = absolute[len(prefix):]
        spare = len(absolute) - len(relative)
        tail = b"#" if spare % 2 else b""
        return b"/URI (" + b"./" * (spare // 2) + relative + tail + b")"

    return _URI.sub(swap, data)
