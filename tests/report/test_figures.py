"""Every figure of the report equals the same figure computed in Python from the rows loaded.

Each test runs against DuckDB and PostgreSQL. The data holds a day on each side of the
report's range, so figures that leak across the range boundary fail.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from anthropic_ingest.report import build_report
from anthropic_ingest.report.cost import NO_MODEL
from anthropic_ingest.report.model import CONSOLE_USAGE, DEFAULT_WORKSPACE, ReportData
from anthropic_ingest.transforms import KNOWN_TOOLS
from tests.report import expected as x
from tests.report.conftest import Loaded
from tests.report.synth import FIRST, LAST, NOW, Rows


def build(loaded: Loaded, first: date | None = FIRST, last: date | None = LAST) -> ReportData:
    return build_report(loaded.uri, loaded.dataset, first, last, now=NOW)


def test_claude_code_totals(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    data = build(loaded)
    assert data.claude_code is not None
    t = data.claude_code.totals
    assert t.active_people == len(
        {r["actor_id"].lower() for r in cc if r["actor_type"] == "user_actor"}
    )
    assert t.active_api_keys == len({r["actor_id"] for r in cc if r["actor_type"] == "api_actor"})
    assert (t.active_people, t.active_api_keys) == (5, 1)
    assert t.sessions == sum(r["num_sessions"] for r in cc)
    assert t.lines_added == sum(r["lines_added"] for r in cc)
    assert t.lines_removed == sum(r["lines_removed"] for r in cc)
    assert t.commits == sum(r["commits_by_claude_code"] for r in cc)
    assert t.pull_requests == sum(r["pull_requests_by_claude_code"] for r in cc)
    assert (t.accepted, t.rejected) == (sum(map(x.accepted, cc)), sum(map(x.rejected, cc)))
    cost = x.usd(sum(r["total_estimated_cost_cents"] for r in cc))
    assert isinstance(t.estimated_cost_usd, Decimal)
    assert t.estimated_cost_usd == cost


def test_claude_code_per_day_and_per_week(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    data = build(loaded)
    assert data.claude_code is not None
    daily = {d.day: d for d in data.claude_code.daily}
    assert {day: d.active_people for day, d in daily.items()} == x.daily_active(cc, "user_actor")
    assert {day: d.active_api_keys for day, d in daily.items()} == x.daily_active(cc, "api_actor")
    sessions = x.group_sum(cc, lambda r: r["date"].date(), lambda r: r["num_sessions"])
    assert {day: d.sessions for day, d in daily.items()} == sessions
    prs = x.group_sum(cc, lambda r: r["date"].date(), lambda r: r["pull_requests_by_claude_code"])
    assert {day: d.pull_requests for day, d in daily.items()} == prs
    weekly = {w.day: w.value for w in data.claude_code.weekly_active if w.series == "People"}
    assert weekly == x.weekly_active(cc, "user_actor")
    assert all(day.weekday() == 0 for day in weekly)


def test_acceptance_rate_per_tool_over_time(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    section = build(loaded).claude_code
    assert section is not None and section.acceptance_grain == "day"
    for tool in KNOWN_TOOLS:
        per_day = {a.period: (a.accepted, a.rejected) for a in section.acceptance if a.tool == tool}
        want_acc = x.group_sum(cc, x.day, x.field(f"{tool}_accepted"))
        want_rej = x.group_sum(cc, x.day, x.field(f"{tool}_rejected"))
        assert per_day == {d: (want_acc[d], want_rej[d]) for d in want_acc}
        (overall,) = [a for a in section.acceptance_by_tool if a.tool == tool]
        assert overall.rate == Decimal(sum(want_acc.values())) / (
            sum(want_acc.values()) + sum(want_rej.values())
        )


def test_top_users_by_sessions_and_by_cost(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    section = build(loaded).claude_code
    assert section is not None
    sessions = x.group_sum(cc, x.actor, lambda r: r["num_sessions"])
    cents = x.group_sum(cc, x.actor, lambda r: r["total_estimated_cost_cents"])
    top = section.top_by_sessions
    assert [a.sessions for a in top] == sorted(sessions.values(), reverse=True)
    assert {(a.actor_type, a.actor_id): a.sessions for a in top} == sessions
    by_cost = section.top_by_cost
    assert [a.estimated_cost_usd for a in by_cost] == sorted(map(x.usd, cents.values()))[::-1]
    assert {(a.actor_type, a.actor_id): a.estimated_cost_usd for a in by_cost} == {
        k: x.usd(v) for k, v in cents.items()
    }
    labels = {a.actor_id: a.label for a in top}
    assert labels["ada@example.com"] == "Ada Lovelace <ada@example.com>"
    assert labels["ci-bot"] == "API key: ci-bot"


def test_claude_code_cost_by_model(loaded: Loaded, rows: Rows) -> None:
    parts = x.within(rows["claude_code_usage_by_model"], "date", FIRST, LAST)
    section = build(loaded).claude_code
    assert section is not None and section.cost_by_model is not None
    want = x.group_sum(parts, lambda r: r["model"], lambda r: r["estimated_cost_cents"])
    assert {m.model: m.estimated_cost_usd for m in section.cost_by_model} == {
        k: x.usd(v) for k, v in want.items()
    }
    tokens = x.group_sum(parts, lambda r: r["model"], lambda r: r["cache_read_tokens"])
    assert {m.model: m.cache_read_tokens for m in section.cost_by_model} == tokens


def test_terminal_mix_and_local_versus_remote(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    section = build(loaded).claude_code
    assert section is not None
    terminals = x.group_sum(cc, lambda r: r["terminal_type"], lambda r: r["num_sessions"])
    assert {m.label: m.sessions for m in section.terminals} == terminals
    remote = x.group_sum(cc, lambda r: "Remote" if r["is_remote"] else "Local",
                         lambda r: r["lines_added"])  # fmt: skip
    assert {m.label: m.lines_added for m in section.locality} == remote
    actors = {m.label: m.actors for m in section.locality}
    assert actors["Remote"] == len({x.actor(r) for r in cc if r["is_remote"]})


def test_api_usage_by_model_workspace_and_key(loaded: Loaded, rows: Rows) -> None:
    usage = x.within(rows["usage_report"], "bucket", FIRST, LAST)
    section = build(loaded).api_usage
    assert section is not None
    assert section.totals.total_input == sum(map(x.total_input, usage))
    cached = sum(r["input_cached_tokens"] for r in usage)
    assert section.totals.cache_hit_ratio == Decimal(cached) / sum(map(x.total_input, usage))
    by_model = x.group_sum(usage, lambda r: r["model"], x.total_input)
    assert {g.label: g.tokens.total_input for g in section.by_model} == by_model
    by_ws = x.group_sum(usage, lambda r: r["workspace_id"], lambda r: r["output_tokens"])
    names = {"wrkspc_eng": "Engineering", "wrkspc_ds": "Data <Science> & 'ML'",
             None: DEFAULT_WORKSPACE}  # fmt: skip
    assert {g.label: g.tokens.output for g in section.by_workspace} == {
        names[k]: v for k, v in by_ws.items()
    }
    key_names = {"apikey_ci": "ci-bot", "apikey_nb": "notebooks", "apikey_def": "default-key"}
    by_key = x.group_sum(
        usage,
        lambda r: (key_names.get(r["api_key_id"], CONSOLE_USAGE), names[r["workspace_id"]]),
        x.total_input,
    )
    assert {(g.label, g.detail): g.tokens.total_input for g in section.by_api_key} == by_key
    assert (CONSOLE_USAGE, DEFAULT_WORKSPACE) in by_key


def test_cost_in_dollars_by_workspace_type_and_model(loaded: Loaded, rows: Rows) -> None:
    cost = x.within(rows["cost_report"], "bucket", FIRST, LAST)
    section = build(loaded).cost
    assert section is not None
    assert section.total_usd == x.usd(sum(r["amount_cents"] for r in cost))
    assert all(isinstance(a.value, Decimal) for a in section.by_workspace)
    by_type = x.group_sum(cost, lambda r: r["cost_type"], lambda r: r["amount_cents"])
    assert {a.label: a.value for a in section.by_cost_type} == {
        k: x.usd(v) for k, v in by_type.items()
    }
    by_model = x.group_sum(cost, lambda r: r["model"], lambda r: r["amount_cents"])
    assert {a.label: a.value for a in section.by_model} == {
        (k or NO_MODEL): x.usd(v) for k, v in by_model.items()
    }
    daily = x.group_sum(cost, lambda r: (r["bucket"].date(), r["workspace_id"]),
                        lambda r: r["amount_cents"])  # fmt: skip
    eng = {d: x.usd(v) for (d, ws), v in daily.items() if ws == "wrkspc_eng"}
    shown = {p.day: p.value for p in section.daily_by_workspace if p.series == "Engineering"}
    assert shown == eng
    per_model = x.group_sum(cost, lambda r: (r["bucket"].date(), r["model"] or NO_MODEL),
                            lambda r: r["amount_cents"])  # fmt: skip
    assert {(p.day, p.series): p.value for p in section.daily_by_model} == {
        k: x.usd(v) for k, v in per_model.items()
    }


def test_month_to_date_and_projection(loaded: Loaded, rows: Rows) -> None:
    month_start = LAST.replace(day=1)
    cost = x.within(rows["cost_report"], "bucket", month_start, LAST)
    section = build(loaded).cost
    assert section is not None
    m = section.month
    assert (m.month_start, m.through, m.days_elapsed, m.days_in_month) == (
        date(2025, 8, 1), LAST, LAST.day, 31,
    )  # fmt: skip
    spend = x.usd(sum(r["amount_cents"] for r in cost))
    assert m.spend_usd == spend
    assert m.projected_usd == spend * 31 / LAST.day


def test_organization_as_of_now(loaded: Loaded, rows: Rows) -> None:
    org = build(loaded).org
    assert org.users_by_role is not None
    assert {a.label: a.value for a in org.users_by_role} == Counter(
        r["role"] for r in rows["users"]
    )
    assert org.keys_by_status is not None
    assert {a.label: a.value for a in org.keys_by_status} == Counter(
        x.key_status(r, NOW) for r in rows["api_keys"]
    )
    assert org.active_keys is not None
    assert sorted(k.name for k in org.active_keys) == ["ci-bot", "default-key", "notebooks"]
    assert org.pending_invites is not None and org.expiring_invites is not None
    # Every invite the table holds as pending is shown; one is past its expiry date.
    pending = [r["email"] for r in rows["invites"] if r["status"] == "pending"]
    assert sorted(i.email for i in org.pending_invites) == sorted(pending)
    assert [i.email for i in org.pending_invites if i.past_expiry] == ["lapsed@example.com"]
    assert [i.email for i in org.expiring_invites] == ["soon@example.com"]
    assert org.invites_by_status is not None
    assert {a.label: a.value for a in org.invites_by_status} == Counter(
        r["status"] for r in rows["invites"]
    )
    assert org.workspaces is not None
    members = {w.name: w.members for w in org.workspaces}
    assert members == {DEFAULT_WORKSPACE: None, "Engineering": 4, "Data <Science> & 'ML'": 1,
                       "Legacy (archived)": 0}  # fmt: skip


def test_adoption_against_members(loaded: Loaded, rows: Rows) -> None:
    cc = x.within(rows["claude_code_usage"], "date", FIRST, LAST)
    section = build(loaded).claude_code
    assert section is not None and section.adoption is not None
    a = section.adoption
    active = {r["actor_id"].lower() for r in cc if r["actor_type"] == "user_actor"}
    idle = [u for u in rows["users"] if u["email"].lower() not in active]
    assert (a.members, a.active_members) == (len(rows["users"]), len(rows["users"]) - len(idle))
    assert [(m.name, m.email, m.role) for m in a.inactive] == [
        (u["name"], u["email"], u["role"]) for u in idle
    ]
    assert [m.email for m in a.inactive] == ["fay@example.com"]
    assert a.rate == Decimal(5) / 6 and a.active_non_members == 0


def test_default_range_ends_at_the_latest_day(loaded: Loaded, rows: Rows) -> None:
    """Without --from, 90 days ending at the latest loaded day; the synthetic data holds
    fewer, so the range starts at its first day."""
    data = build(loaded, None, None)
    days = [r["date"].date() for r in rows["claude_code_usage"]]
    days += [r["bucket"].date() for r in rows["cost_report"]]
    assert (data.date_from, data.date_to) == (min(days), max(days))
    assert data.cost is not None
    assert data.cost.total_usd == x.usd(sum(r["amount_cents"] for r in rows["cost_report"]))
    assert data.organization == "Acme Robotics"
    assert data.missing == []
