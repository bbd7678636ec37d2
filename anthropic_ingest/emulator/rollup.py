"""Rows of the engagement endpoints, aggregated from members' days (one day or a range).

Additive counters are summed; distinct user counts are recomputed exactly over the window
(the real API may approximate some, §5.1). `group_by[]` values that are not requested are
present and null. A member in several RBAC groups counts in each group's row; a member in
none counts in the single `rbac_group_id: null` row (as §5.2 describes for the reports).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from anthropic_ingest.emulator import enterprise as ent
from anthropic_ingest.emulator.cost import decimal_text
from anthropic_ingest.emulator.engagement import Use, UserDay, add_metrics, zero_metrics

Record = dict[str, Any]
Filters = Mapping[str, frozenset[str]]
DayRows = list[tuple[date, UserDay]]
# Attributed list price of one skill invocation, in cents (the emulator's own figure).
SKILL_LIST_CENTS = Decimal("2.375")
# The counters of each entity kind, in `Use.counts` order.
COUNTERS = {
    "skill": ("invocation_count", "enable_count"),
    "connector": ("read_call_count", "write_call_count", "unclassified_call_count"),
    "plugin": ("invocation_count", "install_count"),
    "project": ("message_count", "distinct_conversation_count"),
    "artifact": ("artifacts_created_count", "published_artifacts_created_count"),
}
SURFACES = {
    "skill": ("chat", "claude_code", "cowork"),
    "connector": ("chat", "claude_code", "cowork"),
    "plugin": ("cowork", "claude_code"),
}


@dataclass
class _Acc:
    counts: list[int]
    users: set[str] = field(default_factory=set)
    by_product: dict[str, tuple[list[int], set[str]]] = field(default_factory=dict)

    def add(self, use: Use) -> None:
        for i, value in enumerate(use.counts):
            self.counts[i] += value
        self.users.add(use.user_id)
        counts, users = self.by_product.setdefault(str(use.product), ([0] * len(use.counts), set()))
        for i, value in enumerate(use.counts):
            counts[i] += value
        users.add(use.user_id)


def member_passes(member: ent.Member, filters: Filters, enterprise: ent.Enterprise) -> bool:
    """Whether a member matches the `user_id` and `rbac_group_id` filters (OR within one)."""
    if "user_id" in filters and member.user_id not in filters["user_id"]:
        return False
    if "rbac_group_id" in filters:
        return bool(set(enterprise.groups_of.get(member.user_id, ())) & filters["rbac_group_id"])
    return True


def _groups(
    user_id: str, grouped: bool, filters: Filters, enterprise: ent.Enterprise
) -> list[str | None]:
    """The RBAC groups a member's figures count in (one null group when not grouped)."""
    if not grouped:
        return [None]
    groups: list[str | None] = list(enterprise.groups_of.get(user_id, ())) or [None]
    wanted = filters.get("rbac_group_id")
    return [g for g in groups if wanted is None or g in wanted]


def _group_fields(group_id: str | None, enterprise: ent.Enterprise) -> Record:
    name = None if group_id is None else enterprise.group_names[group_id]
    return {"rbac_group_id": group_id, "rbac_group_name": name}


def user_rows(
    days: DayRows, group_by: tuple[str, ...], filters: Filters, enterprise: ent.Enterprise
) -> list[Record]:
    """`/analytics/users` rows: one per active member, or one per RBAC group."""
    grouped = "rbac_group_id" in group_by
    sums: dict[str | None, tuple[Record, set[str], list[date]]] = {}
    for day, user_day in days:
        member = user_day.member
        if not member_passes(member, filters, enterprise):
            continue
        if "project_id" in filters and not any(
            u.kind == "project" and u.key[0] in filters["project_id"] for u in user_day.uses
        ):
            continue
        for group in _groups(member.user_id, grouped, filters, enterprise):
            key = group if grouped else member.user_id
            metrics, users, last = sums.setdefault(key, (zero_metrics(), set(), [day]))
            add_metrics(metrics, user_day.metrics)
            users.add(member.user_id)
            last[0] = max(last[0], day)
    rows = []
    for key, (metrics, users, last) in sums.items():
        row: Record = {"user": None}
        if not grouped:
            member = enterprise.by_id[str(key)]
            row["user"] = {"id": member.user_id, "email_address": member.email, "type": "user"}
        row.update(metrics)
        row["distinct_user_count"] = len(users)
        row["last_activity_date"] = last[0].isoformat()
        row.update(_group_fields(key if grouped else None, enterprise))
        rows.append(row)
    return rows


def entity_rows(
    kind: str,
    days: DayRows,
    group_by: tuple[str, ...],
    filters: Filters,
    enterprise: ent.Enterprise,
) -> list[Record]:
    """Rows of the skills, connectors, plugins, projects or artifacts endpoint."""
    grouped = "rbac_group_id" in group_by
    accs: dict[tuple[Any, ...], _Acc] = {}
    for _day, user_day in days:
        if not member_passes(user_day.member, filters, enterprise):
            continue
        for use in user_day.uses:
            if use.kind != kind or not _use_passes(use, filters):
                continue
            for group in _groups(use.user_id, grouped, filters, enterprise):
                key = (
                    use.key,
                    use.product if "product" in group_by else None,
                    use.user_id if "user_id" in group_by else None,
                    group,
                )
                accs.setdefault(key, _Acc([0] * len(use.counts))).add(use)
    rows = []
    for (entity, product, user_id, group), acc in accs.items():
        row = _ENTITY[kind](entity, acc, enterprise)
        row.update(_counters(kind, acc.counts))
        row["distinct_user_count"] = len(acc.users)
        for surface in SURFACES.get(kind, ()):
            counts, users = acc.by_product.get(surface, ([0] * len(acc.counts), set()))
            first = COUNTERS[kind][0]
            row[f"{surface}_metrics"] = {"distinct_user_count": len(users), first: counts[0]}
        row.update({"product": product, "user_id": user_id, **_group_fields(group, enterprise)})
        rows.append(row)
    return rows


def _counters(kind: str, counts: Iterable[int]) -> Record:
    return dict(zip(COUNTERS[kind], counts, strict=True))


def _use_passes(use: Use, filters: Filters) -> bool:
    """The entity filters of §5.1 (product, skill_name, share_status, connector_name, …)."""
    wanted = {
        "product": use.product,
        f"{use.kind}_name": use.key[0],
        "project_id": use.key[0] if use.kind == "project" else None,
        "artifact_type": use.key[0] if use.kind == "artifact" else None,
    }
    if use.kind == "skill":
        wanted["share_status"] = _skill(use.key[0])[2]
    return all(name not in filters or value in filters[name] for name, value in wanted.items())


def _skill(name: str) -> tuple[str, str, str, str | None]:
    return next(s for s in ent.SKILLS if s[0] == name)


def _skill_row(entity: tuple[Any, ...], acc: _Acc, enterprise: ent.Enterprise) -> Record:
    name, display, share, overage = _skill(entity[0])
    invocations = acc.counts[0]
    spend = Decimal(overage or 0) * invocations
    return {
        "skill_name": name,
        "skill_display_name": display,
        "share_status": share,
        "estimated_overage_spend": decimal_text(spend),
        "attributed_list_price": decimal_text(SKILL_LIST_CENTS * invocations),
        "currency": "USD",
    }


def _connector_row(entity: tuple[Any, ...], acc: _Acc, enterprise: ent.Enterprise) -> Record:
    display = dict(ent.CONNECTORS)[entity[0]]
    managed = {u for u in acc.users if int(u.encode().hex(), 16) % 3 == 0}
    return {
        "connector_name": entity[0],
        "connector_display_name": display,
        "individual_auth_distinct_user_count": len(acc.users - managed),
        "managed_auth_distinct_user_count": len(managed),
    }


def _plugin_row(entity: tuple[Any, ...], acc: _Acc, enterprise: ent.Enterprise) -> Record:
    return {"plugin_name": entity[0], "plugin_id": dict(ent.PLUGINS)[entity[0]]}


def _project_row(entity: tuple[Any, ...], acc: _Acc, enterprise: ent.Enterprise) -> Record:
    project = next(p for p in enterprise.projects if p["project_id"] == entity[0])
    return dict(project)


def _artifact_row(entity: tuple[Any, ...], acc: _Acc, enterprise: ent.Enterprise) -> Record:
    return {"artifact_type": entity[0], "is_shared": entity[1]}


_ENTITY = {
    "skill": _skill_row,
    "connector": _connector_row,
    "plugin": _plugin_row,
    "project": _project_row,
    "artifact": _artifact_row,
}
