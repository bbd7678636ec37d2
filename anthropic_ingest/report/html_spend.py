"""The API usage and cost parts of the page."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from anthropic_ingest.report import fmt, wording
from anthropic_ingest.report.blocks import Card, cards, esc, figure, grid, note, table
from anthropic_ingest.report.charts import (
    FULL,
    Series,
    Value,
    bar_chart,
    hbar_chart,
    top_series,
)
from anthropic_ingest.report.html_claude_code import all_days
from anthropic_ingest.report.model import (
    Amount,
    ApiUsageSection,
    CostSection,
    DatedAmount,
    ReportData,
    TokenGroup,
)


def series_by_name(points: list[DatedAmount]) -> list[Series]:
    """Group dated figures into one series per name."""
    grouped: dict[str, dict[date, Value]] = defaultdict(dict)
    for p in points:
        grouped[p.series][p.day] = grouped[p.series].get(p.day, 0) + p.value
    return [Series(name, values) for name, values in grouped.items()]


def usage_lead(usage: ApiUsageSection) -> str:
    t = usage.totals
    return (
        f"<strong>{fmt.count(t.total_input)}</strong> input tokens (of which "
        f"<strong>{fmt.count(t.cached_input)}</strong> read from the prompt cache) and "
        f"<strong>{fmt.count(t.output)}</strong> output tokens. Cache hit ratio "
        f"<strong>{fmt.percent(t.cache_hit_ratio)}</strong>."
    )


def usage_body(data: ReportData, usage: ApiUsageSection) -> str:
    days = all_days(data.date_from, data.date_to)
    daily = top_series(series_by_name(usage.daily_by_model))
    chart = bar_chart("Tokens per day by model", days, daily, "tokens", "tokens", width=FULL)
    return "".join(
        (
            figure(
                "Tokens per day by model",
                chart,
                "All input (uncached + cache reads + cache writes) plus output tokens.",
            ),
            grid(
                figure("By model", _token_table(usage.by_model, "Model")),
                figure("By workspace", _token_table(usage.by_workspace, "Workspace")),
            ),
            figure(
                "By API key",
                _token_table(usage.by_api_key, "API key", detail="Workspace"),
                "Usage without an API key comes from the Console (Workbench, playground).",
            ),
        )
    )


def _token_table(groups: list[TokenGroup], name: str, detail: str = "") -> str:
    headers = [
        name,
        *([detail] if detail else []),
        "Input tokens (all)",
        "Output tokens",
        "Cache hit ratio",
    ]
    rows = [
        [
            g.label,
            *([g.detail] if detail else []),
            fmt.count(g.tokens.total_input),
            fmt.count(g.tokens.output),
            fmt.percent(g.tokens.cache_hit_ratio),
        ]
        for g in groups
    ]
    first_number = 2 if detail else 1
    return table(headers, rows, numeric=range(first_number, first_number + 3))


def cost_lead(cost: CostSection) -> str:
    lead = (
        f'<span class="money billed">{esc(wording.BILLED)}: '
        f"<strong>{esc(fmt.usd(cost.total_usd))}</strong> spent in this period. "
        f"{esc(wording.BILLED_WHY)} Claude Code's estimated cost is not part of it.</span>"
    )
    for what, amounts in (("workspace", cost.by_workspace), ("model", cost.by_model)):
        if amounts and cost.total_usd:
            top = amounts[0]
            share = fmt.percent(top.value / cost.total_usd, 0)
            lead += (
                f" Largest {what}: <strong>{esc(top.label)}</strong> "
                f"({esc(fmt.usd(top.value))}, {share})."
            )
    return lead


def _cost_cards(data: ReportData, cost: CostSection) -> str:
    m = cost.month
    month = f"{m.month_start:%B %Y}"
    span = (data.date_to - data.date_from).days + 1
    return cards(
        [
            Card(
                fmt.usd(cost.total_usd),
                f"{wording.BILLED} in this period (USD)",
                f"{span} days; invoiced API usage",
            ),
            Card(fmt.usd(cost.total_usd / span), "Billed average per day (USD)"),
            Card(
                fmt.usd(m.spend_usd),
                f"Billed {month} to date (USD)",
                f"{fmt.day(m.month_start)} to {fmt.day(m.through)}, {m.days_elapsed} days",
            ),
            Card(
                fmt.usd(m.projected_usd),
                f"Billed spend projected for {month} (USD)",
                f"Daily average so far × {m.days_in_month} days",
            ),
        ]
    )


def cost_body(data: ReportData, cost: CostSection) -> str:
    headline = _cost_cards(data, cost)
    days = all_days(data.date_from, data.date_to)
    by_workspace = top_series(series_by_name(cost.daily_by_workspace))
    by_model = top_series(series_by_name(cost.daily_by_model))
    return "".join(
        (
            headline,
            figure(
                "Billed spend per day by workspace (USD)",
                bar_chart(
                    "Spend per day by workspace", days, by_workspace, "usd", "USD", width=FULL
                ),
            ),
            figure(
                "Billed spend per day by model (USD)",
                bar_chart("Spend per day by model", days, by_model, "usd", "USD", width=FULL),
                "Web search, code execution and other costs without a model are one series.",
            ),
            grid(
                figure("By cost type (USD)", _ranked(_readable(cost.by_cost_type), "cost type")),
                figure("By model (USD)", _ranked(cost.by_model, "model")),
            ),
            figure(
                "By workspace (USD)",
                table(
                    ["Workspace", "Spend (USD)"],
                    [[a.label, fmt.usd(a.value)] for a in cost.by_workspace],
                    numeric=(1,),
                ),
            ),
        )
    )


def _readable(amounts: list[Amount]) -> list[Amount]:
    """web_search -> Web search: the API's cost types, as words."""
    return [Amount(a.label.replace("_", " ").capitalize(), a.value) for a in amounts]


def _ranked(amounts: list[Amount], what: str) -> str:
    if not amounts:
        return note("No cost in this period.")
    return hbar_chart(f"Spend by {what}", [(a.label, a.value) for a in amounts], "usd")
