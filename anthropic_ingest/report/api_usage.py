"""Messages API token figures: by model, workspace and API key, and the cache hit ratio.

`usage_report.input_tokens` holds *uncached* input only; total input adds the cache reads
(`input_cached_tokens`) and both cache writes (5-minute and 1-hour).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from anthropic_ingest.report.model import ApiUsageSection, DatedAmount, TokenGroup, TokenTotals
from anthropic_ingest.report.names import Names
from anthropic_ingest.report.reader import Reader, as_date

_CACHE_WRITES = (
    "COALESCE(cache_creation_ephemeral_5m_input_tokens, 0) "
    "+ COALESCE(cache_creation_ephemeral_1h_input_tokens, 0)"
)
_TOKEN_COLUMNS = (
    "input_tokens",
    "input_cached_tokens",
    _CACHE_WRITES,
    "output_tokens",
    "server_tool_search_count",
)
_ALL_TOKENS = (
    "COALESCE(input_tokens, 0) + COALESCE(input_cached_tokens, 0) "
    f"+ {_CACHE_WRITES} + COALESCE(output_tokens, 0)"
)


def build_api_usage(reader: Reader, names: Names, first: date, last: date) -> ApiUsageSection:
    """Every Messages API usage figure for the days first..last (UTC, inclusive)."""
    where = reader.in_days("usage_report", "bucket", first, last)
    (totals,) = _grouped(reader, where, ())
    by_model = [
        TokenGroup(k[0], k[0] or "(not grouped)", "", tokens)
        for k, tokens in _grouped(reader, where, ("model",))
    ]
    by_workspace = [
        TokenGroup(k[0], names.workspace(k[0]), "", tokens)
        for k, tokens in _grouped(reader, where, ("workspace_id",))
    ]
    by_key = [
        TokenGroup(k[0], names.api_key(k[0]), names.workspace(k[1]), tokens)
        for k, tokens in _grouped(reader, where, ("api_key_id", "workspace_id"))
    ]
    return ApiUsageSection(
        totals=totals[1],
        by_model=_biggest_first(by_model),
        by_workspace=_biggest_first(by_workspace),
        by_api_key=_biggest_first(by_key),
        daily_by_model=_daily_by_model(reader, where),
    )


def _grouped(
    reader: Reader, where: str, columns: tuple[str, ...]
) -> list[tuple[tuple[Any, ...], TokenTotals]]:
    """Token sums per distinct value of `columns` (one row overall when there are none)."""
    select = "".join(f"{c}, " for c in columns)
    group = f" GROUP BY {', '.join(str(i + 1) for i in range(len(columns)))}" if columns else ""
    sums = ", ".join(reader.int_sum(c) for c in _TOKEN_COLUMNS)
    rows = reader.query(
        f"SELECT {select}{sums} FROM {reader.table('usage_report')} WHERE {where}{group}"
    )
    n = len(columns)
    return [(tuple(r[:n]), TokenTotals(*(int(v) for v in r[n:]))) for r in rows]


def _biggest_first(groups: list[TokenGroup]) -> list[TokenGroup]:
    def size(g: TokenGroup) -> tuple[int, str, str]:
        return (-(g.tokens.total_input + g.tokens.output), g.label, g.detail)

    return sorted(groups, key=size)


def _daily_by_model(reader: Reader, where: str) -> list[DatedAmount]:
    rows = reader.query(
        f"SELECT {reader.day('usage_report', 'bucket')}, COALESCE(model, '(not grouped)'), "
        f"{reader.int_sum(_ALL_TOKENS)} FROM {reader.table('usage_report')} "
        f"WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [DatedAmount(as_date(d), str(model), int(n)) for d, model, n in rows]
