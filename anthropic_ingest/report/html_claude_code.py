"""The Claude Code part of the page: adoption, output, acceptance, people, models, terminals."""

from __future__ import annotations

from datetime import date, timedelta

from anthropic_ingest.report import fmt
from anthropic_ingest.report.blocks import esc, figure, grid, note, table, unavailable
from anthropic_ingest.report.charts import Series, bar_chart, hbar_chart, line_chart
from anthropic_ingest.report.model import ActorActivity, ClaudeCodeSection, ReportData

TOOL_NAMES = {
    "edit_tool": "Edit",
    "multi_edit_tool": "Multi-edit",
    "write_tool": "Write",
    "notebook_edit_tool": "Notebook edit",
}


def all_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def claude_code_lead(cc: ClaudeCodeSection) -> str:
    t = cc.totals
    return (
        f"<strong>{fmt.count(t.active_users)}</strong> people and API keys ran "
        f"<strong>{fmt.count(t.sessions)}</strong> Claude Code sessions, adding "
        f"<strong>{fmt.count(t.lines_added)}</strong> lines and removing "
        f"<strong>{fmt.count(t.lines_removed)}</strong>, with "
        f"<strong>{fmt.count(t.commits)}</strong> commits and "
        f"<strong>{fmt.count(t.pull_requests)}</strong> pull requests. Edits proposed were "
        f"accepted <strong>{fmt.percent(t.acceptance_rate)}</strong> of the time; estimated "
        f"cost <strong>{esc(fmt.usd(t.estimated_cost_usd))}</strong>."
    )


def claude_code_body(data: ReportData, cc: ClaudeCodeSection) -> str:
    days = all_days(data.date_from, data.date_to)
    return "".join(
        (
            grid(_daily_users(cc, days), _weekly_users(cc, data.date_from, data.date_to)),
            grid(_sessions(cc, days), _lines(cc, days)),
            grid(_commits(cc, days), _acceptance_chart(cc, days)),
            grid(_acceptance_table(cc), _locality(cc)),
            figure("Top users by sessions", _actors(cc.top_by_sessions)),
            figure("Top users by estimated cost", _actors(cc.top_by_cost)),
            grid(_terminals(cc), _model_chart(cc)),
            _model_table(cc),
        )
    )


def _per_day(cc: ClaudeCodeSection, days: list[date], name: str, field: str) -> Series:
    """A daily figure over every day of the range, zero on days without activity."""
    values = {d.day: getattr(d, field) for d in cc.daily}
    return Series(name, {day: values.get(day, 0) for day in days})


def _daily_users(cc: ClaudeCodeSection, days: list[date]) -> str:
    users = _per_day(cc, days, "Active users", "active_users")
    return figure(
        "Active users per day",
        line_chart("Active users per day", days, [users], "count", "users"),
        "Distinct people and API keys with any Claude Code activity that UTC day.",
    )


def _weekly_users(cc: ClaudeCodeSection, first: date, last: date) -> str:
    weeks = [w.day for w in cc.weekly_active_users]
    weekly = Series("Active users", {w.day: w.value for w in cc.weekly_active_users})

    def label(monday: date) -> str:
        partial = monday < first or monday + timedelta(days=6) > last
        return fmt.short_day(monday) + ("*" if partial else "")

    chart = line_chart("Active users per week", weeks, [weekly], "count", "users", tick_label=label)
    return figure(
        "Active users per week",
        chart,
        "Distinct people and API keys per ISO week, labelled by its Monday; * marks a week "
        "only partly inside the report's range.",
    )


def _sessions(cc: ClaudeCodeSection, days: list[date]) -> str:
    sessions = _per_day(cc, days, "Sessions", "sessions")
    return figure(
        "Sessions per day", bar_chart("Sessions per day", days, [sessions], "count", "sessions")
    )


def _lines(cc: ClaudeCodeSection, days: list[date]) -> str:
    added = _per_day(cc, days, "Lines added", "lines_added")
    removed = _per_day(cc, days, "Lines removed", "lines_removed")
    chart = bar_chart(
        "Lines added and removed per day", days, [added, removed], "lines", "lines",
        stacked=False,
    )  # fmt: skip
    return figure("Lines of code per day", chart)


def _commits(cc: ClaudeCodeSection, days: list[date]) -> str:
    commits = _per_day(cc, days, "Commits", "commits")
    prs = _per_day(cc, days, "Pull requests", "pull_requests")
    chart = bar_chart(
        "Commits and pull requests per day", days, [commits, prs], "count", "count",
        stacked=False,
    )  # fmt: skip
    return figure("Commits and pull requests per day", chart, "Made through Claude Code.")


def _acceptance_chart(cc: ClaudeCodeSection, days: list[date]) -> str:
    grain = cc.acceptance_grain
    periods = days if grain == "day" else sorted({a.period for a in cc.acceptance if a.period})
    series = []
    for tool, name in TOOL_NAMES.items():
        rates = {
            a.period: a.rate
            for a in cc.acceptance
            if a.tool == tool and a.period is not None and a.rate is not None
        }
        if rates:
            series.append(Series(name, dict(rates)))
    chart = (
        line_chart("Acceptance rate per tool", periods, series, "percent", "accepted")
        if series
        else note("No edit proposals in this period.")
    )
    return figure(
        f"Acceptance rate per tool, per {grain}",
        chart,
        f"Accepted ÷ (accepted + rejected) proposals; a gap means no proposals that {grain}.",
    )


def _acceptance_table(cc: ClaudeCodeSection) -> str:
    rows = [
        [TOOL_NAMES.get(a.tool, a.tool), fmt.count(a.accepted), fmt.count(a.rejected),
         fmt.percent(a.rate)]
        for a in cc.acceptance_by_tool
    ]  # fmt: skip
    total = cc.totals
    rows.append(
        ["All four tools", fmt.count(total.accepted), fmt.count(total.rejected),
         fmt.percent(total.acceptance_rate)]
    )  # fmt: skip
    return figure(
        "Proposals per tool",
        table(["Tool", "Accepted", "Rejected", "Acceptance"], rows, numeric=(1, 2, 3)),
    )


def _actors(actors: list[ActorActivity]) -> str:
    rows = [
        [a.label, fmt.count(a.sessions), fmt.count(a.lines_added), fmt.count(a.commits),
         fmt.count(a.pull_requests), fmt.usd(a.estimated_cost_usd)]
        for a in actors
    ]  # fmt: skip
    return table(
        [
            "User or API key",
            "Sessions",
            "Lines added",
            "Commits",
            "Pull requests",
            "Est. cost (USD)",
        ],
        rows,
        numeric=(1, 2, 3, 4, 5),
    )


def _model_chart(cc: ClaudeCodeSection) -> str:
    title = "Estimated cost by model (USD)"
    if cc.cost_by_model is None:
        return figure(title, unavailable(title, ["claude_code_usage_by_model"]))
    items = [(m.model, m.estimated_cost_usd) for m in cc.cost_by_model]
    chart = (
        hbar_chart("Claude Code estimated cost by model", items, "usd")
        if items
        else note("No model usage in this period.")
    )
    return figure(title, chart, "Anthropic's estimate at list prices.")


def _model_table(cc: ClaudeCodeSection) -> str:
    if cc.cost_by_model is None:
        return ""
    rows = [
        [m.model, fmt.count(m.input_tokens), fmt.count(m.output_tokens),
         fmt.count(m.cache_read_tokens), fmt.count(m.cache_creation_tokens),
         fmt.usd(m.estimated_cost_usd)]
        for m in cc.cost_by_model
    ]  # fmt: skip
    headers = ["Model", "Input tokens", "Output tokens", "Cache read tokens",
               "Cache write tokens", "Est. cost (USD)"]  # fmt: skip
    return figure("Claude Code tokens by model", table(headers, rows, numeric=(1, 2, 3, 4, 5)))


def _terminals(cc: ClaudeCodeSection) -> str:
    terminals = [(m.label, m.sessions) for m in cc.terminals[:10]]
    chart = (
        hbar_chart("Sessions per terminal", terminals, "count")
        if terminals
        else note("No sessions in this period.")
    )
    return figure("Terminal mix (sessions)", chart, "The ten most used terminals.")


def _locality(cc: ClaudeCodeSection) -> str:
    rows = [
        [m.label, fmt.count(m.sessions), fmt.count(m.actors), fmt.count(m.lines_added)]
        for m in cc.locality
    ]
    return figure(
        "Local versus remote",
        table(["Where", "Sessions", "Users", "Lines added"], rows, numeric=(1, 2, 3)),
        "Remote is Claude Code on the web and other hosted sessions.",
    )
