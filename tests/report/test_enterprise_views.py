"""The Claude Enterprise views on DuckDB, PostgreSQL and MariaDB, after a real sync of an
emulated Enterprise organization: each view against the same figures computed in Python from
the raw tables (exact decimals, UTC days), and the 30-day idle boundary on a DuckDB copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from anthropic_ingest.report.views_enterprise import ENTERPRISE_VIEWS
from tests.conftest import Destination
from tests.report import enterprise_org as org
from tests.report.enterprise_org import enterprise_emu

__all__ = ["enterprise_emu"]  # a fixture


@pytest.fixture(scope="module", params=["duckdb", "postgresql", "mysql"])
def dest(
    request: pytest.FixtureRequest, enterprise_emu: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Destination]:
    yield from org.synced(enterprise_emu, request.param, tmp_path_factory.mktemp("ent"))


def view(dest: Destination, name: str, columns: str = "*") -> list[tuple[Any, ...]]:
    return dest.query(f"SELECT {columns} FROM {{ds}}.{name}")


def test_views_have_the_declared_columns_and_types(dest: Destination) -> None:
    for spec in ENTERPRISE_VIEWS:
        found = dest.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            f"WHERE {dest.where_table(spec.name)} ORDER BY ordinal_position"
        )
        assert [n for n, _ in found] == spec.column_names, spec.name
        types = {n: str(t).lower() for n, t in found}
        for c in spec.columns:
            if c.type == "date":
                assert types[c.name] == "date", (spec.name, c.name)
            if c.type in ("usd", "ratio"):
                assert types[c.name].startswith(("decimal", "numeric")), (spec.name, c.name)


def test_adoption_is_the_summaries_with_seat_utilisation(dest: Destination) -> None:
    raw = org.table(
        dest,
        "enterprise_summaries",
        "date, daily_active_user_count, weekly_active_user_count, monthly_active_user_count, "
        "assigned_seat_count, pending_invite_count",
    )
    expected = {
        d: (dau, wau, mau, seats, org.ratio(mau, seats), pending)
        for d, dau, wau, mau, seats, pending in raw
    }
    got = view(
        dest,
        "enterprise_adoption_daily",
        "date, daily_active_users, weekly_active_users, monthly_active_users, "
        "assigned_seats, seat_utilisation, pending_invites",
    )
    assert {d: tuple(v) for d, *v in got} == expected
    assert len(got) >= 30 and all(isinstance(r[0], date) for r in got)
    shares = [r[5] for r in got]
    assert all(isinstance(s, Decimal) for s in shares) and 0 < min(shares) <= max(shares) <= 1


def test_idle_members_are_those_without_activity_in_30_days(dest: Destination) -> None:
    got = view(dest, "enterprise_idle_members", "user_id, last_activity_date, days_idle, as_of")
    expected = org.idle_members(dest)
    assert {u: (last, idle) for u, last, idle, _ in got} == expected
    assert expected, "the emulated org has members who never used Claude"
    ((as_of,),) = org.table(dest, "enterprise_user_activity", "MAX(date)")
    assert {r[3] for r in got} == {as_of}


def test_claude_code_per_developer_and_month(dest: Destination) -> None:
    got = view(
        dest,
        "enterprise_claude_code_monthly_by_user",
        "month, user_id, commits, pull_requests, lines_added, lines_removed, sessions, "
        "tool_accepted, tool_rejected, tool_acceptance_rate, billed_usd",
    )
    expected = org.claude_code_by_month(dest)
    assert {(m, u): tuple(v) for m, u, *v in got} == expected
    assert sum(v[0] for v in expected.values()) > 0
    assert any(v[-1] for v in expected.values()), "some developer is billed for Claude Code"


@pytest.mark.parametrize(
    ("name", "counted", "columns"),
    [
        ("skill", "invocation_count", "invocations"),
        (
            "connector",
            "COALESCE(read_call_count, 0) + COALESCE(write_call_count, 0) "
            "+ COALESCE(unclassified_call_count, 0)",
            "calls",
        ),
    ],
)
def test_skills_and_connectors_per_month(
    dest: Destination, name: str, counted: str, columns: str
) -> None:
    got = view(
        dest,
        f"enterprise_{name}s_monthly",
        f"month, {name}_name, days_used, peak_daily_users, user_days, {columns}",
    )
    expected = org.uses_by_month(dest, name, counted)
    assert {(m, n): tuple(v) for m, n, *v in got} == expected and expected


def test_members_above_80_percent_of_their_spend_limit(dest: Destination) -> None:
    got = view(
        dest,
        "enterprise_spend_limits_above_80_percent",
        "user_id, period, limit_usd, spent_usd, used_share, user_email, user_name",
    )
    expected = org.above_80_percent(dest)
    assert {(u, p): tuple(v) for u, p, *v in [r[:5] for r in got]} == expected
    assert len(expected) >= 1, "the emulator puts the month's top spenders near their limit"
    assert all(r[5] and r[6] for r in got), "email and name come with each row"


@pytest.fixture
def duck_copy(enterprise_emu: Any, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    for dest in org.synced(enterprise_emu, "duckdb", tmp_path):
        assert dest.path is not None
        copy = tmp_path / "copy.duckdb"
        shutil.copy(dest.path, copy)
        yield copy, dest.dataset


def test_the_30_day_boundary(duck_copy: tuple[Path, str]) -> None:
    """A member whose last activity is 29 days before as_of is active; 30 days, idle."""
    path, ds = duck_copy
    with duckdb.connect(str(path)) as con:
        t = f"{ds}.enterprise_user_activity"
        ((as_of,),) = con.execute(f"SELECT MAX(date) FROM {t}").fetchall()
        cutoff = as_of - timedelta(days=30)
        # a member active before the window, and someone else active on as_of (so that
        # removing the member's recent days leaves as_of where it is)
        active = con.execute(f"SELECT user_id, date FROM {t}").fetchall()
        on_as_of = {u for u, d in active if d == as_of}
        user = min(u for u, d in active if d < cutoff and on_as_of - {u})
        con.execute(f"DELETE FROM {t} WHERE user_id = ? AND date >= ?", [user, cutoff])

        def idle() -> list[tuple[Any, ...]]:
            return con.execute(
                f"SELECT last_activity_date, days_idle FROM {ds}.enterprise_idle_members "
                "WHERE user_id = ?",
                [user],
            ).fetchall()

        for back, expected in ((29, []), (30, [(as_of - timedelta(days=30), 30)])):
            con.execute(
                f"UPDATE {t} SET date = ? WHERE user_id = ? AND date = "
                f"(SELECT MAX(date) FROM {t} WHERE user_id = ?)",
                [as_of - timedelta(days=back), user, user],
            )
            assert idle() == expected, back
