"""Daily cost, priced from the same usage the usage report serves, plus code execution.

Amounts are exact Decimals in US cents. Priority-tier usage is not billed here (as in the real
cost report). Description strings follow the real ones ("Claude Sonnet 4.5 Usage - Input
Tokens"); the suffixes for batch, long context and US-only inference are this emulator's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.usage import Bucket, Stream

GROUPS = ("workspace_id", "description")
_TOKEN_TYPES = (  # position in the usage metrics tuple -> token_type
    (0, "uncached_input_tokens"),
    (1, "cache_creation.ephemeral_1h_input_tokens"),
    (2, "cache_creation.ephemeral_5m_input_tokens"),
    (3, "cache_read_input_tokens"),
    (4, "output_tokens"),
)
TOKEN_TYPES = _TOKEN_TYPES
_PARSED = ("cost_type", "context_window", "model", "service_tier", "token_type", "inference_geo")
_BILLED_TIERS = ("standard", "batch")
BILLED_TIERS = _BILLED_TIERS


@dataclass(frozen=True)
class Line:
    """One billed item of a day in one workspace (shown ID, None for the Default Workspace)."""

    workspace_id: str | None
    description: str
    parsed: tuple[str | None, ...]  # values of _PARSED
    amount: Decimal


def decimal_text(amount: Decimal) -> str:
    """Plain decimal notation without trailing zeros: "123.78912", "0.1", "1500"."""
    return format(amount.normalize(), "f")


def _token_description(model: cat.Model, token_type: str, stream: Stream) -> str:
    suffix = ""
    if stream.dims[3] == "batch":
        suffix += ", Batch"
    if stream.dims[4] == "200k-1M":
        suffix += ", Long Context"
    if stream.dims[5] == "us":
        suffix += ", US"
    return f"{model.display} Usage - {cat.TOKEN_TYPE_LABELS[token_type]}{suffix}"


def _price(model: cat.Model, token_type: str, stream: Stream) -> Decimal:
    price = model.price(token_type)
    if stream.dims[3] == "batch":
        price *= Decimal("0.5")
    if stream.dims[4] == "200k-1M":
        price *= Decimal("1.5") if token_type == "output_tokens" else Decimal(2)
    if stream.dims[5] == "us":
        price *= Decimal("1.1")
    return price


def price(model: cat.Model, token_type: str, stream: Stream) -> Decimal:
    """Cents per token of `token_type` for a stream (tier, context and geo surcharges)."""
    return _price(model, token_type, stream)


def token_lines(totals: Bucket, streams: tuple[Stream, ...]) -> list[Line]:
    """Token and web-search lines priced from one day's usage totals."""
    lines: list[Line] = []
    searches: dict[str | None, int] = {}
    for index, metrics in totals.items():
        stream = streams[index]
        if stream.dims[3] not in _BILLED_TIERS:
            continue
        model = cat.MODELS_BY_ID[str(stream.dims[2])]
        workspace = stream.dims[1]
        for position, token_type in _TOKEN_TYPES:
            if metrics[position]:
                description = _token_description(model, token_type, stream)
                parsed = ("tokens", stream.dims[4], model.id, stream.dims[3], token_type)
                amount = metrics[position] * _price(model, token_type, stream)
                lines.append(Line(workspace, description, (*parsed, stream.dims[5]), amount))
        searches[workspace] = searches.get(workspace, 0) + metrics[5]
    for workspace, count in searches.items():
        if count:
            search = ("web_search", None, None, None, None, None)
            amount = count * cat.WEB_SEARCH_CENTS
            lines.append(Line(workspace, "Web Search Usage", search, amount))
    return lines


def code_execution_lines(h: Hasher, workspaces: list[str | None], day: date) -> list[Line]:
    """Code execution container hours, billed per workspace on some days."""
    lines = []
    for workspace in workspaces:
        rng = h.rng("code-execution", day.toordinal(), workspace)
        if rng.random() < 0.3:
            hours = Decimal(rng.randint(1, 400)) / 10
            parsed = ("code_execution", None, None, None, None, None)
            amount = hours * cat.CODE_EXECUTION_CENTS_PER_HOUR
            lines.append(Line(workspace, "Code Execution Usage", parsed, amount))
    return lines


def cost_rows(lines: list[Line], group_by: tuple[str, ...]) -> list[dict[str, Any]]:
    """Sum billed lines into report rows, one per distinct grouped value."""
    by_ws, by_desc = "workspace_id" in group_by, "description" in group_by
    sums: dict[tuple[str | None, str | None], Decimal] = {}
    parsed_of: dict[str, tuple[str | None, ...]] = {}
    for line in lines:
        key = (line.workspace_id if by_ws else None, line.description if by_desc else None)
        sums[key] = sums.get(key, Decimal(0)) + line.amount
        parsed_of[line.description] = line.parsed
    rows = []
    for key in sorted(sums, key=lambda k: tuple((v is not None, v or "") for v in k)):
        workspace, description = key
        parsed = parsed_of[description] if description else (None,) * len(_PARSED)
        row: dict[str, Any] = {
            "currency": "USD",
            "amount": decimal_text(sums[key]),
            "workspace_id": workspace,
            "description": description,
        }
        row.update(zip(_PARSED, parsed, strict=True))
        rows.append(row)
    return rows
