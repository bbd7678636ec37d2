"""The Claude Code part of the page: adoption, output, acceptance, people, models, terminals."""

from __future__ import annotations

from datetime import date, timedelta

from anthropic_ingest.report import fmt, wording
from anthropic_ingest.report.blocks import esc, figure, grid, note, table, unavailable
from anthropic_ingest.report.charts import Series, bar_chart, hbar_chart, line_chart
from anthropic_ingest.report.claude_code import API_KEYS, PEOPLE
from anthropic_ingest.report.model import ActorActivity, ClaudeCodeSection, DatedAmount, ReportData

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
    adoption = ""
    if cc.adoption is not None:
        a = cc.adoption
        adoption = (
            f" (<strong>{fmt.percent(a.rate, 0)}</strong> of the organization's "
            f"{fmt.count(a.members)} members)"
        )
    return (
        f"<strong>{fmt.count(t.active_people)}</strong> people{adoption} and "
        f"<strong>{fmt.count(t.active_api_keys)}</strong> API keys ran "
        f"<strong>{fmt.count(t.sessions)}</strong> Claude Code sessions, adding "
        f"<strong>{fmt.count(t.lines_added)}</strong> lines and removing "
        f"<strong>{fmt.count(t.lines_removed)}</strong>, with "
        f"<strong>{fmt.count(t.commits)}</strong> commits and "
        f"<strong>{fmt.count(t.pull_requests)}</strong> pull requests. Edits proposed were "
        f"accepted <strong>{fmt.percent(t.acceptance_rate)}</strong> of the time."
        f'<span class="money estimate">{esc(wording.ESTIMATE)}: '
        f"<strong>{esc(fmt.usd(t.estimated_cost_usd))}</strong>. "
        f"{esc(wording.ESTIMATE_WHY)}</span>"
    )


def claude_code_body(data: ReportData, cc: ClaudeCodeSection) -> str:
    days = all_days(data.date_from, data.date_to)
    first, last = data.date_from, data.date_to
    return "".join(
        (
            grid(_daily_users(cc, days), _weekly_users(cc, first, last)),
            _adoption(cc),
            grid(_sessions(cc, days), _lines(cc, days)),
            grid(_commits(cc, days), _acceptance_chart(cc, days, first, last)),
            grid(_acceptance_table(cc), _locality(cc)),
            figure("Top users by sessions", _actors(cc.top_by_sessions)),
            figure(
                f"Top users by {wording.ESTIMATE.lower()}",
                _actors(cc.top_by_cost),
                wording.ESTIMATE_WHY,
            ),
            grid(_terminals(cc), _model_chart(cc)),
            _model_table(cc),
        )
    )


def _per_day(cc: ClaudeCodeSection, days: list[date], name: str, field: str) -> Series:
    """A daily figure over every day of the range, zero on days without activity."""
    values = {d.day: getattr(d, field) for d in cc.daily}
    return Series(name, {day: values.get(day, 0) for day in days})


def _daily_users(cc: ClaudeCodeSection, days: list[date]) -> str:
    people = _per_day(cc, days, PEOPLE, "active_people")
    keys = _per_day(cc, days, API_KEYS, "active_api_keys")
    return figure(
        "Active people and API keys per day",
        line_chart("Active people and API keys per day", days, [people, keys], "count", "active"),
        "People (by email) and API keys with any Claude Code activity that UTC day, counted apart.",
    )


def _weekly_users(cc: ClaudeCodeSection, first: date, last: date) -> str:
    weeks = sorted({w.day for w in cc.weekly_active})
    series = series_of(cc.weekly_active, [PEOPLE, API_KEYS])
    partial = wording.partial_weeks(weeks, first, last)
    title = "Active people and API keys per week"
    chart = bar_chart(title, weeks, series, "count", "active", partial=partial)
    caption = "Distinct people and API keys per ISO week (Monday to Sunday), stacked."
    if partial:
        caption += " " + wording.PARTIAL_WEEKS.format(
            weeks=wording.describe_partial(partial, first, last)
        )
    return figure(title, chart, caption)


def series_of(points: list[DatedAmount], names: list[str]) -> list[Series]:
    """One series per name, in that order, from dated figures."""
    return [Series(n, {p.day: p.value for p in points if p.series == n}) for n in names]


def _adoption(cc: ClaudeCodeSection) -> str:
    a = cc.adoption
    title = "Members without Claude Code activity in this period"
    if a is None:
        return figure(title, unavailable("Adoption against members", ["users"]))
    rows = [[m.name, m.email, m.role] for m in a.inactive]
    caption = (
        f"Adoption: {fmt.count(a.active_members)} of {fmt.count(a.members)} members "
        f"({fmt.percent(a.rate, 0)}) used Claude Code in this period; members are the rows "
        "of the users table, matched to Claude Code by email."
    )
    if a.active_non_members:
        caption += (
            f" {fmt.count(a.active_non_members)} active people are not in the users table "
            "(e.g. removed since) and are not counted as members."
        )
    body = table(["Name", "Email", "Role"], rows, empty="Every member used Claude Code.")
    return figure(f"{title} ({fmt.count(len(a.inactive))})", body, caption)


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


def _acceptance_chart(cc: ClaudeCodeSection, days: list[date], first: date, last: date) -> str:
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
    partial = wording.partial_weeks(periods, first, last) if grain == "week" else []
    chart = (
        line_chart(
            "Acceptance rate per tool", periods, series, "percent", "accepted", partial=partial
        )
        if series
        else note("No edit proposals in this period.")
    )
    caption = f"Accepted ÷ (accepted + rejected) proposals; a gap means none that {grain}."
    if partial:
        caption += (
            " Hollow dots on a hatched band: weeks only partly inside the range ("
            f"{wording.describe_partial(partial, first, last)}); their rates cover fewer days."
        )
    return figure(f"Acceptance rate per tool, per {grain}", chart, caption)


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
            "Est. cost (USD, list price)",
        ],
        rows,
        numeric=(1, 2, 3, 4, 5),
    )


def _model_chart(cc: ClaudeCodeSection) -> str:
    title = f"{wording.ESTIMATE} by model (USD)"
    if cc.cost_by_model is None:
        return figure(title, unavailable(title, ["claude_code_usage_by_model"]))
    items = [(m.model, m.estimated_cost_usd) for m in cc.cost_by_model]
    chart = (
        hbar_chart("Claude Code estimated cost by model", items, "usd")
        if items
        else note("No model usage in this period.")
    )
    return figure(title, chart, wording.ESTIMATE_WHY)


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
               "Cache write tokens", "Est. cost (USD, list price)"]  # fmt: skip
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
        table(["Where", "Sessions", "People + API keys", "Lines added"], rows, numeric=(1, 2, 3)),
        "Remote is Claude Code on the web and other hosted sessions.",
    )
