"""The "Who spends what" part of the page: this month's cost per person, API key, workspace
and product with the projection, Claude Code cost per developer, and the reconciliation."""

from __future__ import annotations

from decimal import Decimal

from anthropic_ingest.report import fmt, wording
from anthropic_ingest.report.blocks import Card, cards, esc, figure, grid, section, table
from anthropic_ingest.report.model import ReportData, SpendLine, WhoSpendsSection

ANCHOR = "who-spends-what"
TITLE = "Who spends what"
NEEDS_ANALYTICS = (
    "Per-person cost needs the Usage and Cost Analytics API tables: run sync with a key that "
    "can read them; see docs/coverage.md."
)
PROJECTION_RULE = "Projection = month to date ÷ days elapsed × days in the month."
NOT_A_PERSON = "Not a person: service accounts, API keys on their own, no actor"
# Longer lists end in one line adding up the rest, so every table sums to the total.
SHOWN = 15


def who_spends_section(data: ReportData) -> str:
    """The section, or the note saying which tables it needs."""
    spend = data.spend
    if spend is None:
        body = (
            f'<div class="unavailable" id="needs-analytics"><strong>{esc(NEEDS_ANALYTICS)}'
            "</strong> The table <code>analytics_cost</code> is not loaded.</div>"
        )
        return section(ANCHOR, TITLE, "", body)
    return section(ANCHOR, TITLE, _lead(spend), _body(spend))


def _lead(spend: WhoSpendsSection) -> str:
    m = spend.month
    return (
        f"Billed cost from the Usage and Cost Analytics API (<code>analytics_cost</code>: after "
        f"discounts, before credits) for {m.month_start:%B %Y} to date, "
        f"{esc(fmt.day(m.month_start))} to {esc(fmt.day(m.through))} ({m.days_elapsed} of "
        f"{m.days_in_month} days): <strong>{esc(fmt.usd(m.spend_usd))}</strong>, "
        f"{esc(fmt.usd(spend.list_usd))} at list price. {esc(PROJECTION_RULE)}"
    )


def _body(spend: WhoSpendsSection) -> str:
    m = spend.month
    month = f"{m.month_start:%B %Y}"
    headline = cards(
        [
            Card(fmt.usd(m.spend_usd), f"Billed {month} to date (analytics_cost)"),
            Card(
                fmt.usd(m.projected_usd),
                f"Billed spend projected for {month}",
                f"Month to date ÷ {m.days_elapsed} × {m.days_in_month} days",
            ),
            Card(fmt.usd(spend.list_usd), f"{month} to date at list price"),
        ]
    )
    users = [*spend.by_user]
    if spend.not_people_usd:
        users.append(SpendLine(NOT_A_PERSON, "", spend.not_people_usd, _not_people_list(spend)))
    return "".join(
        (
            headline,
            figure("By person", _spend_table(spend, users, "Person", "Email")),
            figure(
                "By API key",
                _spend_table(spend, spend.by_api_key, "API key", "Workspace"),
                "The key the usage came through, whoever used it.",
            ),
            grid(
                figure("By workspace", _spend_table(spend, spend.by_workspace, "Workspace")),
                figure("By product", _spend_table(spend, spend.by_product, "Product")),
            ),
            _claude_code(spend),
            _reconciliation(spend),
        )
    )


def _not_people_list(spend: WhoSpendsSection) -> Decimal:
    return spend.list_usd - sum((u.list_usd for u in spend.by_user), Decimal(0))


def _spend_table(
    spend: WhoSpendsSection, lines: list[SpendLine], name: str, detail: str = ""
) -> str:
    shown = lines[:SHOWN]
    rest = lines[SHOWN:]
    if rest:
        billed = sum((line.billed_usd for line in rest), Decimal(0))
        listed = sum((line.list_usd for line in rest), Decimal(0))
        shown = [*shown, SpendLine(f"{len(rest)} more", "", billed, listed)]
    headers = [name, *([detail] if detail else []), "Billed to date", "At list price",
               "Projected for the month"]  # fmt: skip
    rows = [
        [
            line.label,
            *([line.detail] if detail else []),
            fmt.usd(line.billed_usd),
            fmt.usd(line.list_usd),
            fmt.usd(spend.projected(line.billed_usd)),
        ]
        for line in shown
    ]
    first = 2 if detail else 1
    return table(headers, rows, numeric=range(first, first + 3), empty="No cost this month.")


def _claude_code(spend: WhoSpendsSection) -> str:
    rows = [
        [
            p.label,
            p.email,
            fmt.usd(p.estimated_usd) if p.estimated_usd is not None else fmt.DASH,
            fmt.usd(p.billed_usd) if p.billed_usd is not None else fmt.DASH,
        ]
        for p in spend.claude_code[:SHOWN]
    ]
    more = len(spend.claude_code) - SHOWN
    caption = (
        f"{wording.ESTIMATE}: {wording.ESTIMATE_WHY} Billed: what analytics_cost attributes "
        "to the person for the product claude_code. A dash: no rows on that side."
        + (
            f" {more} more developers are in the view claude_code_cost_monthly_by_user."
            if more > 0
            else ""
        )
    )
    body = table(
        ["Developer", "Email", "Estimated (claude_code_usage)", "Billed (analytics_cost)"],
        rows,
        numeric=(2, 3),
        empty="No Claude Code cost this month.",
    )
    return figure("Claude Code cost per developer, month to date", body, caption)


def _reconciliation(spend: WhoSpendsSection) -> str:
    r = spend.reconciliation
    if r is None:
        text = "Reconciliation: cost_report is not loaded, so there is nothing to compare with."
        return f'<p class="reconcile">{esc(text)}</p>'
    if r.days_differing:
        agreement = f"{r.days_differing} of {r.days} days differ"
    else:
        agreement = f"they agree on each of the {r.days} days"
    return (
        f'<p class="reconcile"><strong>Reconciliation</strong>, {esc(fmt.day(r.first))} to '
        f"{esc(fmt.day(r.last))}: <code>cost_report</code> "
        f"<strong>{esc(fmt.usd(r.cost_report_usd))}</strong>, <code>analytics_cost</code> "
        f"<strong>{esc(fmt.usd(r.analytics_usd))}</strong>, difference "
        f"<strong>{esc(_signed(r.difference_usd))}</strong> (cost_report − analytics_cost); "
        f"{esc(agreement)}. Per day: the view <code>cost_reconciliation_daily</code>.</p>"
    )


def _signed(amount: Decimal) -> str:
    """−$1.23 rather than $-1.23."""
    return "−" + fmt.usd(-amount) if amount < 0 else fmt.usd(amount)
