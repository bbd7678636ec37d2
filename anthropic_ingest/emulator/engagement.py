"""One day of Claude Enterprise engagement: who was active, on what, and what they used.

A member is active on a day when the Claude Code report has records for them that day, or
when a private RNG for (seed, day, user) says they chatted (about 70% on weekdays, 12% at
weekends). Dormant members (billing users, some non-developers) are never active. Their
Claude Code figures are the Claude Code report's own, so the two families agree. Every use
of a project, skill, connector, plugin or artifact is a `Use`; the endpoints aggregate them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator import enterprise as ent
from anthropic_ingest.emulator.hashing import Hasher, between

Record = dict[str, Any]
PRODUCTS = ("chat", "claude_code", "cowork", "claude_design", "office_agent", "science")
_SURFACE_PRODUCT = {
    "cowork": "cowork",
    "design": "claude_design",
    "office": "office_agent",
    "science": "science",
}


@dataclass(frozen=True)
class Use:
    """One member's use of one entity on one day, with the entity's additive counters."""

    kind: str  # "project", "skill", "connector", "plugin" or "artifact"
    key: tuple[Any, ...]  # the entity: (name,) or (artifact_type, is_shared)
    product: str | None
    user_id: str
    counts: tuple[int, ...]


@dataclass(frozen=True)
class UserDay:
    """A member's activity on one day: the row metrics, the products used and the uses."""

    member: ent.Member
    metrics: Record
    products: frozenset[str]
    uses: tuple[Use, ...]


def zero_metrics() -> Record:
    """The metric fields of a user row with nothing done."""
    tools = {t: {"accepted": 0, "rejected": 0} for t in cat.TOOLS}
    return {
        "chat_metrics": {
            "message_count": 0,
            "distinct_conversation_count": 0,
            "files_uploaded_count": 0,
            "artifacts_created_count": 0,
        },
        "claude_code_metrics": {
            "core_metrics": {
                "commit_count": 0,
                "pull_request_count": 0,
                "lines_of_code": {"added": 0, "removed": 0},
                "distinct_session_count": 0,
                "artifacts_created_count": 0,
            },
            "tool_actions": tools,
        },
        "cowork_metrics": {"distinct_session_count": 0, "message_count": 0},
        "design_metrics": {"distinct_design_count": 0, "message_count": 0},
        "office_metrics": {"document_count": 0, "message_count": 0},
        "science_metrics": {"distinct_session_count": 0, "message_count": 0},
        "web_search_count": 0,
    }


def add_metrics(target: Record, other: Record) -> None:
    """Add every counter of `other` into `target` (same nested shape), in place."""
    for name, value in other.items():
        if isinstance(value, dict):
            add_metrics(target[name], value)
        else:
            target[name] += value


def _claude_code(records: list[Record]) -> Record | None:
    """The claude_code_metrics of one user's Claude Code report records of a day."""
    if not records:
        return None
    out = zero_metrics()["claude_code_metrics"]
    core = out["core_metrics"]
    for record in records:
        metrics = record["core_metrics"]
        core["commit_count"] += metrics["commits_by_claude_code"]
        core["pull_request_count"] += metrics["pull_requests_by_claude_code"]
        core["lines_of_code"]["added"] += metrics["lines_of_code"]["added"]
        core["lines_of_code"]["removed"] += metrics["lines_of_code"]["removed"]
        core["distinct_session_count"] += metrics["num_sessions"]
        for tool, counts in record["tool_actions"].items():
            out["tool_actions"][tool]["accepted"] += counts["accepted"]
            out["tool_actions"][tool]["rejected"] += counts["rejected"]
    return out


def day_activity(
    h: Hasher, enterprise: ent.Enterprise, claude_code: list[Record], day: date
) -> tuple[UserDay, ...]:
    """Every active member's day, in the /users order."""
    by_email: dict[str, list[Record]] = {}
    for record in claude_code:
        email = record["actor"].get("email_address")
        if record["actor"]["type"] == "user_actor" and email:
            by_email.setdefault(email, []).append(record)
    weekend = day.weekday() >= 5
    out = []
    for member in enterprise.members:
        if member.dormant or member.person.added.date() > day:
            continue
        rng = h.rng("enterprise-day", day.toordinal(), member.user_id)
        chats = rng.random() < (0.12 if weekend else 0.6)
        code = _claude_code(by_email.get(member.email, []))
        if chats or code is not None:
            out.append(_user_day(rng, enterprise, member, chats, code))
    return tuple(out)


def _user_day(
    rng: random.Random,
    enterprise: ent.Enterprise,
    member: ent.Member,
    chats: bool,
    code: Record | None,
) -> UserDay:
    metrics = zero_metrics()
    products: set[str] = set()
    uses: list[Use] = []
    if code is not None:
        products.add("claude_code")
        code["core_metrics"]["artifacts_created_count"] = between(rng.random, 0, 2)
        metrics["claude_code_metrics"] = code
    if chats:
        products.add("chat")
        chat = metrics["chat_metrics"]
        chat["message_count"] = between(rng.random, 2, 80)
        chat["distinct_conversation_count"] = between(rng.random, 1, 12)
        chat["files_uploaded_count"] = between(rng.random, 0, 5)
        chat["artifacts_created_count"] = between(rng.random, 0, 3)
        metrics["web_search_count"] = between(rng.random, 0, 10)
        uses += _project_uses(rng, member, chat["message_count"])
        for surface in sorted(member.surfaces):
            if rng.random() < 0.5:
                products.add(_SURFACE_PRODUCT[surface])
                _surface(rng, metrics[f"{surface}_metrics"])
    uses += _artifact_uses(rng, member, metrics)
    uses += _tool_uses(rng, member, products)
    return UserDay(member, metrics, frozenset(products), tuple(uses))


def _surface(rng: random.Random, target: Record) -> None:
    first = next(iter(target))
    target[first] = between(rng.random, 1, 4)
    target["message_count"] = between(rng.random, 3, 40)


def _project_uses(rng: random.Random, member: ent.Member, messages: int) -> list[Use]:
    uses = []
    for project_id in member.projects:
        if rng.random() < 0.5:
            counts = (between(rng.random, 1, messages), between(rng.random, 1, 3))
            uses.append(Use("project", (project_id,), "chat", member.user_id, counts))
    return uses


def _artifact_uses(rng: random.Random, member: ent.Member, metrics: Record) -> list[Use]:
    """One use per artifact created, so artifact totals equal the users' created counts."""
    made = (
        ("chat", metrics["chat_metrics"]["artifacts_created_count"]),
        ("claude_code", metrics["claude_code_metrics"]["core_metrics"]["artifacts_created_count"]),
    )
    uses = []
    for product, count in made:
        for _ in range(count):
            kind = ent.ARTIFACT_TYPES[rng.randrange(len(ent.ARTIFACT_TYPES))]
            shared = rng.random() < 0.3
            published = int(shared and rng.random() < 0.5)
            uses.append(Use("artifact", (kind, shared), product, member.user_id, (1, published)))
    return uses


def _tool_uses(rng: random.Random, member: ent.Member, products: set[str]) -> list[Use]:
    """Skill, connector and plugin uses on the products the member used that day."""
    if not products:
        return []
    surfaces = sorted(products & {"chat", "claude_code", "cowork"}) or sorted(products)
    uses = []
    counts: tuple[int, ...]
    for index in member.skills:
        if rng.random() < 0.45:
            counts = (between(rng.random, 1, 6), int(rng.random() < 0.1))
            uses.append(
                Use("skill", (ent.SKILLS[index][0],), rng.choice(surfaces), member.user_id, counts)
            )
    for index in member.connectors:
        if rng.random() < 0.5:
            reads, writes = between(rng.random, 1, 20), between(rng.random, 0, 6)
            counts = (reads, writes, between(rng.random, 0, 2))
            name = ent.CONNECTORS[index][0]
            uses.append(Use("connector", (name,), rng.choice(surfaces), member.user_id, counts))
    plugin_products = sorted(products & set(ent.PLUGIN_PRODUCTS))
    for index in member.plugins if plugin_products else ():
        if rng.random() < 0.4:
            counts = (between(rng.random, 1, 9), int(rng.random() < 0.05))
            name = ent.PLUGINS[index][0]
            uses.append(Use("plugin", (name,), rng.choice(plugin_products), member.user_id, counts))
    return uses
