"""Regenerate the screenshots of the demo report in docs/img (needs Debian's chromium):

    pairaid demo --out pairaid-demo && pairaid report --db pairaid-demo/demo.db -o pairaid-demo/report
    python docs/img/make_screenshots.py pairaid-demo/report/index.html

At 1,200 px (desktop) and 390 px (a phone): the top of the page (the title and the verdict, or
the contents) and every section, one PNG each: report-<width>-<section>.png. The README's two
shots (report-headline.png, report-effects.png) are the desktop ones of those sections.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]
WIDTHS = {1200: 1000, 390: 844}  # viewport width: height (a 390 px phone is 844 px tall)
README = {"report-headline": "headline", "report-effects": "effects"}


def main(page_path: str) -> list[Path]:
    here = Path(__file__).parent
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width, height in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(Path(page_path).resolve().as_uri())
            page.wait_for_selector("html[data-charts-ready=true]", timeout=120_000)
            # the sticky synthetic banner would cover each section's shot: keep it at the top
            page.add_style_tag(content=".banner { position: static !important; }")
            top = here / f"report-{width}-top.png"
            page.screenshot(path=str(top))
            written.append(top)
            for section in page.evaluate("[...document.querySelectorAll('main section')]"
                                         ".map(s => s.id)"):
                shot = here / f"report-{width}-{section}.png"
                page.locator(f"section#{section}").screenshot(path=str(shot))
                written.append(shot)
            page.close()
        browser.close()
    for name, section in README.items():
        source = here / f"report-1200-{section}.png"
        if source.is_file():
            shutil.copyfile(source, here / f"{name}.png")
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1]):
        print(path)
