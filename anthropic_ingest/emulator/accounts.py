"""Service accounts and the organization's rate limits, derived from the directory.

The service accounts listed are exactly those that API keys (`principal`, `created_by`) and
usage (`service_account_id`) refer to, plus one or two archived ones that no longer act.
Rate limits are one object per limit group: a model group per model family and one each for
batch, files, skills, token counting and web search.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.directory import ORG_EPOCH, Directory
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import format_micro

Record = dict[str, Any]
SERVICE_ACCOUNT_NAMES = (
    "ci-deploy-bot",
    "nightly-evals",
    "support-triage",
    "data-pipeline",
    "Données sync",
    "billing-export",
    "slack-notifier",
    "security-scanner",
    "docs-indexer",
    "qa-runner",
)
RATE_LIMIT_GROUP_TYPES = ("model_group", "batch", "files", "skills", "token_count", "web_search")
# model family (display name) -> model IDs of the catalog in it
_FAMILIES = (
    ("Claude Opus", ("claude-opus-4-6",)),
    ("Claude Sonnet", ("claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514")),
    ("Claude Haiku", ("claude-haiku-4-5-20251001", "claude-3-5-haiku-20241022")),
)
_OTHER_GROUPS = (
    ("batch", "Message Batches", ("requests_per_minute", "batch_requests_in_queue")),
    ("files", "Files API", ("requests_per_minute", "storage_bytes")),
    ("skills", "Skills", ("requests_per_minute",)),
    ("token_count", "Token counting", ("requests_per_minute",)),
    ("web_search", "Web search", ("requests_per_second",)),
)
_MODEL_LIMITS = ("requests_per_minute", "input_tokens_per_minute", "output_tokens_per_minute")


def service_accounts(h: Hasher, directory: Directory) -> tuple[Record, ...]:
    """Every service account, archived ones included, newest first."""
    creator = directory.people[-1].record["id"]  # the first user, who created the org
    archived = tuple(
        h.tagged_id("svac", "archived", j) for j in range(1 + (len(directory.people) >= 500))
    )
    records = []
    for i, svac in enumerate((*directory.service_accounts, *archived)):
        # Keys created by a service account may date from the org's first day, so the account
        # existed by then (a few seconds in, ordered by position).
        created = ORG_EPOCH + timedelta(seconds=1 + i)
        updated = created + timedelta(days=h.below(300, "svac-updated", svac), minutes=7)
        gone = svac in archived
        records.append(
            {
                "type": "service_account",
                "id": svac,
                "name": SERVICE_ACCOUNT_NAMES[i % len(SERVICE_ACCOUNT_NAMES)]
                + ("" if i < len(SERVICE_ACCOUNT_NAMES) else f"-{i}"),
                "description": None if h.unit("svac-desc", svac) < 0.3 else f"Automation #{i + 1}",
                "organization_role": "admin" if h.unit("svac-role", svac) < 0.3 else "developer",
                "created_at": format_micro(created),
                "created_by_actor_id": creator,
                "updated_at": format_micro(updated),
                "updated_by_actor_id": creator,
                "archived_at": format_micro(updated) if gone else None,
                "archived_by_actor_id": creator if gone else None,
            }
        )
    records.sort(key=lambda r: (r["created_at"], r["id"]), reverse=True)
    return tuple(records)


def rate_limits(h: Hasher, users: int) -> tuple[Record, ...]:
    """The org's rate limits in the GA shape (`group` object); see `shaped` for the other."""
    scale = 1 + min(users, 10_000) // 500
    out = []
    for name, models in _FAMILIES:
        values = (4_000 * scale, 2_000_000 * scale, 400_000 * scale)
        limits = [{"type": t, "value": v} for t, v in zip(_MODEL_LIMITS, values, strict=True)]
        out.append(_limit(h, "model_group", name, limits, list(models)))
    for group_type, name, kinds in _OTHER_GROUPS:
        limits = [{"type": t, "value": 50 * scale * (1 + h.below(4, name, t))} for t in kinds]
        out.append(_limit(h, group_type, name, limits, None))
    return tuple(out)


def _limit(h: Hasher, group_type: str, name: str, limits: list[Record], models: Any) -> Record:
    return {
        "type": "rate_limit",
        "id": h.tagged_id("rl", name),
        "group": {"id": h.tagged_id("rlg", name), "display_name": name, "type": group_type},
        "limits": limits,
        "models": models,
    }


def shaped(limit: Record, shape: str) -> Record:
    """A rate limit in `shape`: "group" (GA SDK types) or "group_type" (the official example)."""
    if shape == "group":
        return limit
    older = {k: v for k, v in limit.items() if k != "group"}
    return {**older, "group_type": limit["group"]["type"]}


def known_models() -> tuple[str, ...]:
    """Model IDs the `model` filter of /rate_limits knows (any other is a 404)."""
    return tuple(m.id for m in cat.MODELS)
