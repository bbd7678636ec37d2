"""The default range: the last 90 days ending at the latest loaded day, not all history."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import dlt
import pytest

from anthropic_ingest.report import build_report, render_html
from tests.conftest import run_cli
from tests.report import synth
from tests.report.conftest import Loaded

START, END = date(2024, 6, 1), date(2025, 12, 31)  # 19 months of history


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    rng = random.Random(3)
    rows = []
    for i in [*range(0, (END - START).days, 3), (END - START).days]:
        row, _ = synth._cc_row(rng, START + timedelta(days=i), "user_actor", "ada@example.com",
                               "vscode", False)  # fmt: skip
        rows.append(row)
    work = tmp_path_factory.mktemp("history")
    path = work / "history.duckdb"
    pipeline = synth.pipeline(dlt.destinations.duckdb(str(path)), "anthropic", work)
    pipeline.run([dlt.resource(synth.arrow_table("claude_code_usage", rows),
                               name="claude_code_usage")])  # fmt: skip
    return Loaded("duckdb", f"duckdb:///{path}", "anthropic", pipeline)


def _range(loaded: Loaded, first: date | None, last: date | None) -> tuple[date, date]:
    data = build_report(loaded.uri, loaded.dataset, first, last, now=synth.NOW)
    return data.date_from, data.date_to


def test_default_is_the_last_90_days(history: Loaded) -> None:
    assert _range(history, None, None) == (END - timedelta(days=89), END)


def test_to_alone_gives_90_days_ending_there(history: Loaded) -> None:
    assert _range(history, None, date(2025, 3, 31)) == (date(2025, 1, 1), date(2025, 3, 31))


def test_from_alone_runs_to_the_latest_day(history: Loaded) -> None:
    assert _range(history, date(2024, 7, 1), None) == (date(2024, 7, 1), END)


def test_a_range_over_new_year_labels_both_years(history: Loaded) -> None:
    data = build_report(history.uri, history.dataset, date(2024, 11, 1), date(2025, 2, 28),
                        now=synth.NOW)  # fmt: skip
    html = render_html(data)
    start = html.index('aria-label="Sessions per day"')
    chart = html[start : html.index("</svg>", start)]
    assert chart.count('class="tick year"') == 2
    assert ">2024</text>" in chart and ">2025</text>" in chart


def test_report_command_takes_from_and_to(history: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run_cli("report", "--dest-uri", history.uri, "--from", "2025-12-01", "-o", str(out))
    assert result.code == 0, result.output
    assert "2025-12-01 to 2025-12-31" in out.read_text(encoding="utf-8")
