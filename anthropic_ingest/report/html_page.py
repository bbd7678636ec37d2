"""The whole page: header, headline figures, what is missing, the sections, and the styles.

The page is one file with no external resources: styles are inline and charts are SVG.
"""

from __future__ import annotations

from anthropic_ingest.report import fmt, wording
from anthropic_ingest.report.blocks import Card, cards, esc, section, unavailable
from anthropic_ingest.report.html_claude_code import claude_code_body, claude_code_lead
from anthropic_ingest.report.html_enterprise import enterprise_section
from anthropic_ingest.report.html_org import org_body, org_lead
from anthropic_ingest.report.html_spend import cost_body, cost_lead, usage_body, usage_lead
from anthropic_ingest.report.html_who import who_spends_section
from anthropic_ingest.report.model import ReportData
from anthropic_ingest.report.style import CSS
from anthropic_ingest.tables import TABLES

# The tables every organization's Admin key reads; with none of them there is no data.
REQUIRED = {name for name, spec in TABLES.items() if not spec.optional}


def render_html(data: ReportData) -> str:
    """The report as one self-contained HTML document."""
    title = "Claude usage report" + (f" — {data.organization}" if data.organization else "")
    body = "".join(
        (
            _header(data, title),
            _missing(data),
            _headline(data),
            _sections(data),
            _footer(data),
        )
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head>"
        f'<body><main class="page">{body}</main></body></html>\n'
    )


def _header(data: ReportData, title: str) -> str:
    span = (data.date_to - data.date_from).days + 1
    enterprise = '<a href="#enterprise">Claude Enterprise</a>' if data.enterprise else ""
    return (
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="range">{esc(fmt.day(data.date_from))} to {esc(fmt.day(data.date_to))} '
        f"<span>(UTC, {span} day{'s' if span != 1 else ''}, both ends included)</span></p>"
        f'<p class="meta">Generated {esc(fmt.moment(data.generated_at))} from '
        f"<code>{esc(data.source)}</code>, dataset <code>{esc(data.dataset)}</code>. "
        "Money in US dollars; tokens are counts of tokens.</p>"
        '<nav><a href="#claude-code">Claude Code</a><a href="#api-usage">API usage</a>'
        '<a href="#cost">Cost</a><a href="#who-spends-what">Who spends what</a>'
        f'{enterprise}<a href="#organization">Organization</a></nav></header>'
    )


def _missing(data: ReportData) -> str:
    if not data.missing:
        return ""
    rows = "".join(
        f"<li><code>{esc(m.table)}</code> — {esc(m.reason)}. Without it: "
        f"{esc('; '.join(m.affects) or 'nothing in this report')}.</li>"
        for m in data.missing
    )
    lead = (
        "No data has been loaded into this dataset yet."
        if {m.table for m in data.missing} >= REQUIRED and data.spend is None
        else "Some tables are not loaded, so parts of this report are empty."
    )
    return (
        f'<aside class="missing" id="missing"><h2>What is missing</h2><p>{esc(lead)} '
        "Load everything with <code>anthropic-ingest sync --dest-uri "
        f"{esc(data.source)}</code>, or one table with <code>anthropic-ingest ingest "
        "--source-table NAME --dest-table NAME</code>.</p>"
        f"<ul>{rows}</ul></aside>"
    )


def _headline(data: ReportData) -> str:
    items: list[Card] = []
    if data.claude_code:
        t, adoption = data.claude_code.totals, data.claude_code.adoption
        people_note = "distinct emails"
        if adoption is not None:
            people_note = (
                f"{fmt.percent(adoption.rate, 0)} of {fmt.count(adoption.members)} members"
            )
        items += [
            Card(fmt.count(t.active_people), "people using Claude Code", people_note),
            Card(fmt.count(t.active_api_keys), "API keys using Claude Code", "counted apart"),
            Card(fmt.count(t.sessions), "Claude Code sessions"),
            Card(fmt.compact(t.lines_added), "lines of code added", exact=fmt.count(t.lines_added)),
            Card(
                f"{fmt.count(t.commits)} / {fmt.count(t.pull_requests)}", "commits / pull requests"
            ),
        ]
    if data.api_usage:
        u = data.api_usage.totals
        items += [
            Card(
                fmt.compact(u.total_input + u.output),
                "API tokens (input + output)",
                exact=f"{fmt.count(u.total_input + u.output)} tokens",
            ),
            Card(fmt.percent(u.cache_hit_ratio), "cache hit ratio", "cached ÷ all input tokens"),
        ]
    if data.cost:
        items.append(
            Card(
                fmt.usd(data.cost.month.projected_usd),
                f"billed spend projected for {data.cost.month.month_start:%B %Y}",
            )
        )
    return (cards(items) if items else "") + _money(data)


def _money(data: ReportData) -> str:
    """Billed spend and the Claude Code estimate side by side, each saying what it is."""
    items = []
    if data.cost:
        items.append(
            Card(fmt.usd(data.cost.total_usd), f"{wording.BILLED} in this period",
                 wording.BILLED_WHY)
        )  # fmt: skip
    if data.claude_code:
        items.append(
            Card(fmt.usd(data.claude_code.totals.estimated_cost_usd),
                 f"{wording.ESTIMATE} in this period", wording.ESTIMATE_WHY)
        )  # fmt: skip
    return cards(items, "money") if items else ""


def _sections(data: ReportData) -> str:
    """Each section, or in its place a note naming the table to load."""
    cc, usage, cost = data.claude_code, data.api_usage, data.cost
    parts = [
        section("claude-code", "Claude Code", claude_code_lead(cc), claude_code_body(data, cc))
        if cc
        else section("claude-code", "Claude Code", "",
                     unavailable("Claude Code analytics", ["claude_code_usage"])),
        section("api-usage", "API usage (tokens)", usage_lead(usage), usage_body(data, usage))
        if usage
        else section("api-usage", "API usage (tokens)", "",
                     unavailable("Messages API usage", ["usage_report"])),
        section("cost", "Billed API cost (USD)", cost_lead(cost), cost_body(data, cost))
        if cost
        else section("cost", "Billed API cost (USD)", "", unavailable("Cost", ["cost_report"])),
        who_spends_section(data),
        enterprise_section(data),
        section("organization", "Organization", org_lead(data), org_body(data.org)),
    ]  # fmt: skip
    return "".join(parts)


def _footer(data: ReportData) -> str:
    return (
        "<footer><h2>How to read this report</h2><ul>"
        "<li>Days are UTC days. Claude Code figures come from <code>claude_code_usage</code> "
        "(one row per actor, day, terminal and local/remote); people (by email) and API "
        "keys are counted apart.</li>"
        "<li>Input tokens are all input: uncached + cache reads + cache writes (5-minute and "
        "1-hour). Cache hit ratio = cache reads ÷ all input tokens.</li>"
        "<li>Costs are exact sums of the API's cents, shown in US dollars rounded to the "
        f"cent. {esc(wording.BILLED)}: {esc(wording.BILLED_WHY)} It arrives about a day "
        f"late. {esc(wording.ESTIMATE)}: {esc(wording.ESTIMATE_WHY)}</li>"
        "<li>The projection assumes the rest of the month spends the daily average so far.</li>"
        "<li>Usage without a workspace is the Default workspace; usage without an API key is "
        "Console (Workbench) usage.</li></ul></footer>"
    )
