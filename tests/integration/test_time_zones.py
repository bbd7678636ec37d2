"""Days stay days: the README's SQL gives the same answer in every session time zone.

The DuckDB CLI and most BI tools run in the local time zone. A day stored as a midnight instant
moves to the day before west of UTC, and a bucket's month taken in local time moves money
between months. The README's queries are run here in UTC and in America/Los_Angeles, on DuckDB
and on PostgreSQL, over data that crosses a month boundary, and must agree.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import dlt
import duckdb
import pytest

from anthropic_ingest import service
from anthropic_ingest.errors import UsageError
from anthropic_ingest.load.arrow import to_arrow
from anthropic_ingest.load.destinations import parse_destination_uri
from anthropic_ingest.load.runner import pipeline_name
from anthropic_ingest.tables import TABLES, TableSpec
from tests.conftest import ROOT, Destination, _connect, source_uri
from tests.integration import expected

ZONES = ("UTC", "America/Los_Angeles")
DAY_TABLES = ("claude_code_usage", "claude_code_usage_by_model")
LOADED = (*DAY_TABLES, "usage_report", "cost_report")
# Two months: the first of February is where a local-time month moves money into January.
FIRST, LAST = date(2025, 1, 20), date(2025, 2, 10)
# The query the README showed before: the month of a bucket taken in the session's zone.
LOCAL_MONTH = (
    "SELECT date_trunc('month', bucket) AS month, sum(amount_usd) AS usd "
    "FROM anthropic.cost_report GROUP BY 1 ORDER BY 1"
)


def readme_queries() -> list[str]:
    """Every statement of the README's ```sql blocks, each with its leading comment."""
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"^```sql\n(.*?)^```", text, flags=re.S | re.M)
    statements = (s.strip() for b in blocks for s in re.split(r";[ \t]*$", b, flags=re.M))
    return [s for s in statements if s]


def in_dataset(sql: str, dataset: str) -> str:
    return re.sub(r"\banthropic\.", f"{dataset}.", sql)


def duckdb_answers(dest: Destination, sql: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of `sql` per session time zone, in one DuckDB connection."""
    assert dest.path is not None
    answers = {}
    with duckdb.connect(str(dest.path), read_only=True) as con:
        for zone in ZONES:
            con.execute(f"SET TimeZone = '{zone}'")
            rows = con.execute(in_dataset(sql, dest.dataset)).fetchall()
            answers[zone] = sorted((tuple(r) for r in rows), key=repr)
    return answers


def postgres_answers(dest: Destination, sql: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of `sql` per session time zone, in one PostgreSQL session."""
    conn = _connect("postgresql")
    answers = {}
    try:
        with conn.cursor() as cur:
            for zone in ZONES:
                cur.execute(f"SET TIME ZONE '{zone}'")
                cur.execute(in_dataset(sql, dest.dataset))
                answers[zone] = sorted((tuple(r) for r in cur.fetchall()), key=repr)
    finally:
        conn.close()
    return answers


def load(emu: Any, dest: Destination) -> None:
    service.sync(
        source_uri(emu),
        dest.uri,
        dataset=dest.dataset,
        tables=LOADED,
        interval_start=FIRST.isoformat(),
        interval_end=LAST.isoformat(),
    )


def check_zones_agree(emu: Any, dest: Destination, answers: Any) -> None:
    """Every README query answers alike in both zones; the days are the UTC days served."""
    queries = readme_queries()
    assert len(queries) >= 5, "the README's SQL examples were not found"
    for sql in queries:
        got = answers(dest, sql)
        assert got["UTC"], f"no rows, so nothing was compared:\n{sql}"
        assert got["UTC"] == got["America/Los_Angeles"], sql
    served = sorted({r["date"][:10] for r in expected.claude_code(emu.org, FIRST, LAST)})
    for table in DAY_TABLES:
        bounds = f"SELECT min(date), max(date), count(DISTINCT date) FROM anthropic.{table}"
        days = answers(dest, bounds)
        want = [(date.fromisoformat(served[0]), date.fromisoformat(served[-1]), len(served))]
        assert days["UTC"] == days["America/Los_Angeles"] == want, table
        assert dest.column_types(table)["date"] == "date", table
    moved = answers(dest, LOCAL_MONTH)
    assert moved["UTC"] != moved["America/Los_Angeles"], "the session zone was not in effect"


def test_readme_has_one_query_per_statement() -> None:
    queries = readme_queries()
    assert any("cost_report" in q and "month" in q for q in queries)
    for sql in queries:
        assert sql.startswith("--"), f"each README query says what it answers:\n{sql}"
        assert ";" not in sql, sql


def test_readme_queries_agree_across_time_zones_on_duckdb(emu: Any, duck: Destination) -> None:
    load(emu, duck)
    check_zones_agree(emu, duck, duckdb_answers)
    from anthropic_ingest.demo import QUERIES  # imports the report, which the others need not

    for title, sql in QUERIES:  # what `anthropic-ingest demo` suggests to try
        got = duckdb_answers(duck, sql.rstrip(";"))
        assert got["UTC"] == got["America/Los_Angeles"], title


def test_readme_queries_agree_across_time_zones_on_postgres(emu: Any, pg: Destination) -> None:
    load(emu, pg)
    check_zones_agree(emu, pg, postgres_answers)


# --- a destination loaded by a version that stored days as timestamps ------------------


def _as_old_version(spec: TableSpec) -> TableSpec:
    """The table as versions before DATE days declared it: `date` a UTC timestamp."""
    columns = tuple(
        dataclasses.replace(c, type="timestamp") if c.type == "date" else c for c in spec.columns
    )
    return dataclasses.replace(spec, columns=columns)


def _load_as_old_version(emu: Any, dest: Destination, day: date) -> None:
    """Load `day` of claude_code_usage as the earlier version did: the same dlt pipeline,
    resource and hints, with `date` a midnight instant."""
    spec = TABLES["claude_code_usage"]
    rows = [row for record in emu.org.claude_code_records(day) for row in spec.to_rows(record)]
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    for row in rows:
        row["date"] = midnight
    table = to_arrow(_as_old_version(spec), rows)
    resource = dlt.resource(
        iter([table]),
        name=spec.name,
        table_name=spec.name,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        merge_key="date",
    )
    with tempfile.TemporaryDirectory() as workdir:
        pipeline = dlt.pipeline(
            pipeline_name=pipeline_name(dest.dataset),
            destination=parse_destination_uri(dest.uri).destination,
            dataset_name=dest.dataset,
            pipelines_dir=workdir,
        )
        pipeline.run(resource)


@pytest.fixture(params=["duckdb", "postgresql"])
def old_destination(request: pytest.FixtureRequest) -> Iterator[Destination]:
    yield request.getfixturevalue("duck" if request.param == "duckdb" else "pg")


def test_a_table_with_timestamp_days_is_refused_until_a_full_refresh(
    emu: Any, old_destination: Destination
) -> None:
    dest = old_destination
    _load_as_old_version(emu, dest, date(2025, 1, 21))
    assert dest.column_types("claude_code_usage")["date"].startswith("timestamp")
    before = dest.query("SELECT count(*) FROM {ds}.claude_code_usage")
    table = f"{dest.dataset}.claude_code_usage"
    uri = source_uri(emu)
    interval: dict[str, Any] = {"interval_start": "2025-01-20", "interval_end": "2025-01-22"}

    with pytest.raises(UsageError) as refused:
        service.ingest(uri, "claude_code_usage", dest.uri, table, **interval)
    message = str(refused.value)
    assert "--full-refresh" in message and "\n" not in message
    assert "claude_code_usage" in message and "date" in message
    assert dest.query("SELECT count(*) FROM {ds}.claude_code_usage") == before
    assert dest.column_types("claude_code_usage")["date"].startswith("timestamp")

    service.ingest(uri, "claude_code_usage", dest.uri, table, full_refresh=True, **interval)
    types = dest.column_types("claude_code_usage")
    assert types["date"] == "date"
    assert not [name for name in types if name.startswith("date_")], "a second date column"
    served = expected.claude_code(emu.org, date(2025, 1, 20), date(2025, 1, 22))
    days = dest.query("SELECT date, count(*) FROM {ds}.claude_code_usage GROUP BY 1 ORDER BY 1")
    want: dict[date, int] = {}
    for record in served:
        day = date.fromisoformat(record["date"][:10])
        want[day] = want.get(day, 0) + 1
    assert days == sorted(want.items())
