"""Regenerate the README's screenshots of the demo report (needs Debian's chromium):

    pairaid demo --out pairaid-demo && pairaid report --db pairaid-demo/demo.db -o pairaid-demo/report
    python docs/img/make_screenshots.py pairaid-demo/report/index.html
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-quic"]
SHOTS = {"report-headline": "headline", "report-effects": "effects"}


def main(page_path: str) -> None:
    here = Path(__file__).parent
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1150})
        page.goto(Path(page_path).resolve().as_uri())
        page.wait_for_selector("html[data-charts-ready=true]", timeout=60_000)
        banner = page.locator("#synthetic-banner").bounding_box()["height"]
        for name, section in SHOTS.items():
            top = page.evaluate(f"document.getElementById('{section}').offsetTop")
            page.evaluate(f"window.scrollTo(0, {top} - {banner} - 8)")
            page.screenshot(path=str(here / f"{name}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
