"""The SQL views: created in DuckDB, PostgreSQL and MySQL, holding the same figures as Python."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import nullcontext
from decimal import Decimal
from pathlib import Path
from typing import Any

import dlt
import pytest

from anthropic_ingest.report import VIEWS, build_report, create_views
from anthropic_ingest.report.model import CONSOLE_USAGE, DEFAULT_WORKSPACE
from anthropic_ingest.report.views_enterprise import ENTERPRISE_VIEWS
from tests.report import expected as x
from tests.report import synth
from tests.report.conftest import Loaded, load_duckdb, server_dataset

# The synthetic rows are a Console organization's: the Enterprise views have no source there
# (tests/report/test_enterprise_views.py covers them).
CONSOLE_VIEWS = [view for view in VIEWS if view not in ENTERPRISE_VIEWS]
ALL = [view.name for view in CONSOLE_VIEWS]
WORKSPACES: dict[str | None, str] = {
    "wrkspc_eng": "Engineering",
    "wrkspc_ds": "Data <Science> & 'ML'",
}


@pytest.fixture(params=["duckdb", "postgres", "mysql"])
def full(request: pytest.FixtureRequest, rows: synth.Rows, tmp_path: Path) -> Iterator[Loaded]:
    if request.param == "duckdb":
        yield load_duckdb(rows, tmp_path)
    else:
        with server_dataset(request.param, rows, tmp_path) as loaded:
            yield loaded


def select(pipeline: dlt.Pipeline, sql: str) -> list[tuple[Any, ...]]:
    """Run `sql` with {v} replaced by the qualified view or table name given after it."""
    with pipeline.sql_client() as client:
        return [tuple(r) for r in client.execute_sql(sql.format_map(_Names(client))) or []]


class _Names(dict[str, str]):
    def __init__(self, client: Any) -> None:
        super().__init__()
        self.client = client

    def __missing__(self, key: str) -> str:
        return str(self.client.make_qualified_table_name(key))


def test_every_view_is_created_with_its_declared_columns(full: Loaded) -> None:
    assert create_views(full.pipeline) == ALL
    for view in CONSOLE_VIEWS:
        with full.pipeline.sql_client() as client:
            # the view as stored: on MySQL its name carries the dataset (`<dataset>__<view>`)
            *_, schema, name = client.make_qualified_table_name_path(view.name, quote=False)
            got = client.execute_sql(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                schema,
                name,
            )
        assert [str(c).lower() for (c,) in got or []] == view.column_names


def test_claude_code_daily_user_summary(full: Loaded, rows: synth.Rows) -> None:
    create_views(full.pipeline)
    got = select(
        full.pipeline,
        "SELECT date, actor_id, user_name, num_sessions, edits_accepted, estimated_cost_usd "
        "FROM {claude_code_daily_user_summary}",
    )
    cc = rows["claude_code_usage"]
    key = lambda r: (r["date"].date(), r["actor_id"])  # noqa: E731
    sessions = x.group_sum(cc, key, lambda r: r["num_sessions"])
    accepted = x.group_sum(cc, key, x.accepted)
    cents = x.group_sum(cc, key, lambda r: r["total_estimated_cost_cents"])
    assert {(d.date() if hasattr(d, "date") else d, a): (s, e, c) for d, a, _, s, e, c in got} == {
        k: (sessions[k], accepted[k], x.usd(cents[k])) for k in sessions
    }
    names = {a: n for _, a, n, *_ in got}
    assert names["ada@example.com"] == "Ada Lovelace"
    assert names["ci-bot"] is None
    assert all(isinstance(c, Decimal) for *_, c in got)


def test_cost_daily_usd_by_workspace(full: Loaded, rows: synth.Rows) -> None:
    create_views(full.pipeline)
    got = select(
        full.pipeline, "SELECT date, workspace_name, cost_usd FROM {cost_daily_usd_by_workspace}"
    )
    names: dict[str | None, str] = {**WORKSPACES, None: DEFAULT_WORKSPACE}
    cents = x.group_sum(
        rows["cost_report"], lambda r: (r["bucket"].date(), names[r["workspace_id"]]),
        lambda r: r["amount_cents"],
    )  # fmt: skip
    assert {(d, n): usd for d, n, usd in got} == {k: x.usd(v) for k, v in cents.items()}


def test_usage_report_named(full: Loaded, rows: synth.Rows) -> None:
    create_views(full.pipeline)
    got = select(
        full.pipeline,
        "SELECT workspace_name, api_key_name, SUM(total_input_tokens), "
        "SUM(cache_creation_input_tokens) FROM {usage_report_named} "
        "GROUP BY workspace_name, api_key_name",
    )
    names: dict[str | None, str] = {**WORKSPACES, None: DEFAULT_WORKSPACE}
    keys = {
        "apikey_ci": "ci-bot",
        "apikey_nb": "notebooks",
        "apikey_def": "default-key",
        None: CONSOLE_USAGE,
    }
    usage = rows["usage_report"]
    key = lambda r: (names[r["workspace_id"]], keys[r["api_key_id"]])  # noqa: E731
    total = x.group_sum(usage, key, x.total_input)
    writes = x.group_sum(usage, key, lambda r: x.total_input(r) - r["input_tokens"]
                         - r["input_cached_tokens"])  # fmt: skip
    assert {(w, k): (int(t), int(c)) for w, k, t, c in got} == {
        k: (total[k], writes[k]) for k in total
    }


@pytest.mark.parametrize("kind", ["duckdb", "postgres", "mysql"])
def test_views_need_their_sources_and_fall_back_to_ids(
    kind: str, rows: synth.Rows, tmp_path: Path
) -> None:
    tables = ["cost_report", "usage_report"]
    with _partial(kind, rows, tmp_path, tables) as loaded:
        assert create_views(loaded.pipeline) == [
            "cost_daily_usd_by_workspace",
            "usage_report_named",
        ]
        sql = "SELECT DISTINCT workspace_name FROM {cost_daily_usd_by_workspace}"
        assert {n for (n,) in select(loaded.pipeline, sql)} == {
            "wrkspc_eng",
            "wrkspc_ds",
            DEFAULT_WORKSPACE,
        }
        # Once the names are loaded, re-creating the views (as every load does) uses them.
        synth.run(loaded.pipeline, rows, ["workspaces", "claude_code_usage"])
        assert create_views(loaded.pipeline) == ALL[:3]
        assert {n for (n,) in select(loaded.pipeline, sql)} == {
            *WORKSPACES.values(),
            DEFAULT_WORKSPACE,
        }


def _partial(kind: str, rows: synth.Rows, work: Path, tables: list[str]) -> Any:
    if kind == "duckdb":
        return nullcontext(load_duckdb(rows, work, tables))
    return server_dataset(kind, rows, work, tables)


def test_duckdb_file_named_like_the_dataset(rows: synth.Rows, tmp_path: Path) -> None:
    """`anthropic.duckdb` holding dataset `anthropic` makes `anthropic.t` ambiguous in DuckDB:
    the views and the report qualify names with the catalog too."""
    source = load_duckdb(rows, tmp_path / "load")
    renamed = tmp_path / "anthropic.duckdb"
    shutil.copy(tmp_path / "load" / "warehouse.duckdb", renamed)
    pipeline = synth.pipeline(dlt.destinations.duckdb(str(renamed)), "anthropic", tmp_path)
    assert create_views(pipeline) == ALL
    data = build_report(f"duckdb:///{renamed}", "anthropic", synth.FIRST, synth.LAST, now=synth.NOW)
    assert data.missing == [] and data.cost is not None
    original = build_report(source.uri, "anthropic", synth.FIRST, synth.LAST, now=synth.NOW)
    assert original.cost is not None and data.cost.total_usd == original.cost.total_usd


def test_destinations_without_views_get_none(tmp_path: Path, rows: synth.Rows) -> None:
    pipeline = synth.pipeline(
        dlt.destinations.filesystem(str(tmp_path / "files")), "anthropic", tmp_path
    )
    synth.run(pipeline, rows, ["users"])
    assert create_views(pipeline) == []
