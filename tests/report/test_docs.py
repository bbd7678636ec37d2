"""docs/report.md stays in step with the code."""

from __future__ import annotations

from pathlib import Path

from anthropic_ingest.report.views import views_markdown
from tests.conftest import ROOT, run_cli

DOC = ROOT / "docs" / "report.md"


def test_views_section_is_generated_from_the_declarations() -> None:
    text = DOC.read_text(encoding="utf-8")
    block = text.split("<!-- views:start -->\n", 1)[1].split("<!-- views:end -->", 1)[0]
    assert block == views_markdown(), "docs/report.md is stale: regenerate its views section"


def test_help_has_an_example_and_the_doc_shows_the_screenshot() -> None:
    result = run_cli("report", "--help")
    assert result.code == 0
    assert "anthropic-ingest report --dest-uri duckdb:///anthropic.duckdb" in result.stdout
    assert "](report-screenshot.png)" in DOC.read_text(encoding="utf-8")
    assert Path(DOC.parent / "report-screenshot.png").read_bytes().startswith(b"\x89PNG")
