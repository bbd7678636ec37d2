"""The usage report: SQL over the loaded tables, rendered as one self-contained HTML page.

    data = build_report("duckdb:///anthropic.duckdb", "anthropic")
    html = render_html(data)

`write_report` does both and writes the file; `create_views` adds the documented SQL views
to a destination.
"""

from __future__ import annotations

import importlib
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anthropic_ingest.errors import UsageError

if TYPE_CHECKING:
    from anthropic_ingest.report.build import build_report
    from anthropic_ingest.report.html_page import render_html
    from anthropic_ingest.report.model import ReportData
    from anthropic_ingest.report.views import VIEWS, ViewSpec, create_views

# Imported when first used: a load re-creates the views (`report.views`) and should not pay
# for the HTML report's modules (about 0.1 s) on every daily run.
_LAZY = {
    "VIEWS": "views",
    "ViewSpec": "views",
    "create_views": "views",
    "ReportData": "model",
    "build_report": "build",
    "render_html": "html_page",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
    return getattr(module, name)


__all__ = [
    "VIEWS",
    "ReportData",
    "ViewSpec",
    "build_report",
    "create_views",
    "render_html",
    "write_report",
]


def write_report(
    dest_uri: str,
    dataset: str = "anthropic",
    date_from: date | None = None,
    date_to: date | None = None,
    output: Path | str = "report.html",
    *,
    now: datetime | None = None,
) -> Path:
    """Build the report for the destination and write it as HTML to `output`.

    Returns the absolute path of the file written.
    """
    path = Path(output).expanduser()
    if path.is_dir():
        raise UsageError(f"-o {path} is a directory; give a file name such as {path}/report.html")
    if not path.parent.exists():
        raise UsageError(f"-o {path}: the folder {path.parent} does not exist; create it first")
    from anthropic_ingest.report.build import build_report
    from anthropic_ingest.report.html_page import render_html

    html = render_html(build_report(dest_uri, dataset, date_from, date_to, now=now))
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the report to {path}: {exc.strerror}") from exc
    return path.resolve()
