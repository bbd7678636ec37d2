"""Regenerate docs/report-screenshot.png: a demo report in headless Chromium, top of the page.

    .venv/bin/python -m tests.report.make_screenshot [output.png] [--full]

It runs the demo (emulator, sync into a temporary DuckDB file, report) and screenshots the
page at the width the browser test uses (1280 CSS pixels).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from anthropic_ingest.demo import run_demo
from tests.conftest import ROOT
from tests.report.browser import HOW_TO_ENABLE, find_browser, headless_chromium

DEFAULT_OUTPUT = ROOT / "docs" / "report-screenshot.png"
# The header, the headline figures and the first charts: what a reader sees first.
CLIP_HEIGHT = 1410


def make_screenshot(output: Path, full: bool = False) -> Path:
    """Write the screenshot of a fresh demo report to `output`."""
    found = find_browser()
    if found is None:
        raise SystemExit(f"headless Chromium or chromedriver not found; {HOW_TO_ENABLE}")
    output = output.resolve()
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as work:
        # Run where the files go, so the page names the database as users see it.
        os.chdir(work)
        try:
            demo = run_demo("duckdb:///demo.duckdb", "demo-report.html")
        finally:
            os.chdir(here)
        with headless_chromium(*found, Path(work) / "profile") as browser:
            browser.open(demo.report.as_uri())
            return browser.screenshot(output, None if full else CLIP_HEIGHT)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    print(make_screenshot(Path(args[0]) if args else DEFAULT_OUTPUT, "--full" in sys.argv))
