"""The figures do not depend on the session's time zone, nor on day columns being DATEs.

The synthetic rows sit at UTC midnight: read in America/Los_Angeles, a careless cast of such
a timestamp to a date lands on the day before, so these comparisons can fail.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import dlt
import pyarrow as pa
import pytest

from anthropic_ingest.report import build_report
from anthropic_ingest.report.model import ReportData
from tests.report import synth
from tests.report.conftest import Loaded, server_dataset

# MariaDB without time zone tables knows zones only as offsets.
LOS_ANGELES = {"duckdb": "America/Los_Angeles", "postgres": "America/Los_Angeles",
               "mysql": "-08:00"}  # fmt: skip
# The day-grain columns, and the same rows loaded with them typed DATE.
DAY_COLUMNS = {
    "claude_code_usage": "date",
    "claude_code_usage_by_model": "date",
    "cost_report": "bucket",
    "usage_report": "bucket",
}


def _build(loaded: Loaded, zone: str) -> ReportData:
    data = build_report(
        loaded.uri, loaded.dataset, synth.FIRST, synth.LAST, now=synth.NOW, session_time_zone=zone
    )
    # Where it came from differs between loads; everything else must not.
    return dataclasses.replace(data, source="", dataset="")


def _run_with_dates(pipeline: dlt.Pipeline, rows: synth.Rows) -> None:
    resources = []
    for name, table_rows in rows.items():
        table = synth.arrow_table(name, table_rows)
        if name in DAY_COLUMNS:
            column = DAY_COLUMNS[name]
            days = pa.array([r[column].date() for r in table_rows], type=pa.date32())
            table = table.set_column(table.schema.get_field_index(column), column, days)
        resources.append(dlt.resource(table, name=name, write_disposition="replace"))
    pipeline.run(resources)


@pytest.fixture(params=["duckdb", "postgres", "mysql"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def with_timestamps(kind: str, request: pytest.FixtureRequest) -> Loaded:
    name = {"duckdb": "duck_full", "postgres": "pg_full", "mysql": "my_full"}[kind]
    value: Loaded = request.getfixturevalue(name)
    return value


@pytest.fixture
def with_dates(kind: str, rows: synth.Rows, tmp_path: Path) -> Iterator[Loaded]:
    if kind == "duckdb":
        path = tmp_path / "dates.duckdb"
        pipeline = synth.pipeline(dlt.destinations.duckdb(str(path)), "anthropic", tmp_path)
        _run_with_dates(pipeline, rows)
        yield Loaded("duckdb", f"duckdb:///{path}", "anthropic", pipeline)
        return
    with server_dataset(kind, rows, tmp_path, tables=["organization"]) as loaded:
        _run_with_dates(loaded.pipeline, rows)
        yield loaded


def test_same_figures_in_utc_and_los_angeles(kind: str, with_timestamps: Loaded) -> None:
    utc = _build(with_timestamps, "UTC")
    assert utc.claude_code is not None and len(utc.claude_code.daily) == 21
    assert _build(with_timestamps, LOS_ANGELES[kind]) == utc


def test_day_columns_typed_date_give_the_same_figures(
    kind: str, with_timestamps: Loaded, with_dates: Loaded
) -> None:
    types = with_dates.pipeline.sql_client()
    with types as client:
        # the table as stored: on MySQL its name carries the dataset (`<dataset>__<table>`)
        *_, schema, name = client.make_qualified_table_name_path("claude_code_usage", quote=False)
        rows = client.execute_sql(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s "
            "AND column_name = 'date' AND table_schema = %s",
            name,
            schema,
        )
    assert [str(t).lower() for (t,) in rows or []] == ["date"]
    reference = _build(with_timestamps, "UTC")
    assert _build(with_dates, "UTC") == reference
    assert _build(with_dates, LOS_ANGELES[kind]) == reference
