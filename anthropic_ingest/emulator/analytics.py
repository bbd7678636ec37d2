"""Rows of the Usage and Cost Analytics API, split from the legacy reports' own data.

Each usage stream of `usage.py` is attributed to one actor, product, API key, workspace and
model, so a day's analytics rows are its legacy usage regrouped: token totals match
`usage_report/messages` exactly, and cost (priced per stream with the legacy prices, plus the
legacy code-execution lines) matches `cost_report` to the last decimal. Who a stream belongs
to: a key's traffic to the key's `principal` (its creator), or to the key itself
(`api_actor`) when it has none; OAuth Claude Code traffic to its user; service-account
traffic to the service account; the Default Workspace's key-less traffic to one user, as
`chat`. API traffic has `product: null`, like code execution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator import cost, jsonenc
from anthropic_ingest.emulator.directory import Directory
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import WIDTHS, format_bucket
from anthropic_ingest.emulator.usage import Bucket, Stream, UsageModel

Record = dict[str, Any]
USAGE_GROUPS = (  # §4.3: the 19 usage dimensions (five inferred from the filters)
    "actor",
    "actor_type",
    "agent_id",
    "api_key_id",
    "claude_tag_category",
    "claude_tag_user_id",
    "context_window",
    "deployment_id",
    "environment_id",
    "inference_geo",
    "model",
    "product",
    "rbac_group_id",
    "service_tier",
    "session_id",
    "slack_channel_id",
    "speed",
    "user_profile_id",
    "workspace_id",
)
COST_GROUPS = (*USAGE_GROUPS, "cost_type", "token_type")
# The dimensions that carry values here, in label order; the others are always null.
LABEL = (
    "actor",
    "actor_type",
    "api_key_id",
    "context_window",
    "inference_geo",
    "model",
    "product",
    "service_tier",
    "speed",
    "workspace_id",
    "cost_type",
    "token_type",
)
Label = tuple[str | None, ...]
# list price / billed price of token usage: the org's negotiated discount is 20%
LIST_MARKUP = Decimal("1.25")
FIRST_DAY = date(2026, 1, 1)  # §4.5: the API has no data before this day
_BLANK: Label = (None,) * len(LABEL)


@dataclass(frozen=True)
class CostAtom:
    """The smallest piece of a day's cost: one stream's cost of one kind."""

    label: Label
    amount: Decimal
    list_amount: Decimal
    requests: int


def _label(**values: str | None) -> Label:
    return tuple(values.get(name) for name in LABEL)


def stream_labels(h: Hasher, directory: Directory, streams: tuple[Stream, ...]) -> list[Label]:
    """The analytics attribution of every usage stream (see the module docstring)."""
    keys = {k.record["id"]: k for k in directory.keys}
    people = [p.record["id"] for p in directory.people]
    labels = []
    for index, stream in enumerate(streams):
        key_id, workspace, model, tier, window, geo, speed, account, svac = stream.dims
        product: str | None = None
        if key_id is not None:
            key = keys[key_id]
            principal = key.record["principal"] or {"type": "api_actor", "api_key_id": key_id}
            actor = next(v for k, v in principal.items() if k != "type")
            actor_type = principal["type"]
            product = "claude_code" if key.claude_code else None
        elif account is not None:
            actor, actor_type, product = account, "user_actor", "claude_code"
        elif svac is not None:
            actor, actor_type = svac, "service_account_actor"
        else:  # key-less Default Workspace traffic
            actor = people[h.below(len(people), "analytics-console", index)]
            actor_type, product = "user_actor", "chat"
        dims = {"context_window": window, "inference_geo": geo, "service_tier": tier}
        labels.append(
            _label(
                actor=actor,
                actor_type=actor_type,
                api_key_id=key_id,
                model=model,
                product=product,
                speed=speed,
                workspace_id=workspace,
                **dims,
            )
        )
    return labels


def actor_objects(directory: Directory, service_accounts: tuple[str, ...]) -> dict[str, Record]:
    """The object form of every actor ID (users, service accounts, API keys)."""
    objects: dict[str, Record] = {}
    for person in directory.people:
        user = person.record
        objects[user["id"]] = {
            "type": "user_actor",
            "user_id": user["id"],
            "email_address": user["email"],
        }
    for svac in service_accounts:
        objects[svac] = {"type": "service_account_actor", "service_account_id": svac}
    for key in directory.keys:
        objects[key.record["id"]] = {"type": "api_actor", "api_key_id": key.record["id"]}
    return objects


def _sort_key(key: Label) -> tuple[tuple[bool, str], ...]:
    return tuple((v is not None, v or "") for v in key)


def _projector(group_by: tuple[str, ...]) -> Callable[[Label], Label]:
    keep = tuple(i for i, name in enumerate(LABEL) if name in group_by)
    if len(keep) == len(LABEL):
        return lambda label: label

    def project(label: Label) -> Label:
        out = list(_BLANK)
        for i in keep:
            out[i] = label[i]
        return tuple(out)

    return project


def _usage_row(metrics: list[int]) -> Record:
    uncached, cache_1h, cache_5m, cache_read, output, searches, requests = metrics
    return {
        "uncached_input_tokens": uncached,
        "cache_creation": {
            "ephemeral_1h_input_tokens": cache_1h,
            "ephemeral_5m_input_tokens": cache_5m,
        },
        "cache_read_input_tokens": cache_read,
        "output_tokens": output,
        "server_tool_use": {"web_search_requests": searches},
        "requests": requests,
        "total_tokens": uncached + cache_1h + cache_5m + cache_read + output,
    }


class Analytics:
    """Analytics rows of any bucket, cached as encoded JSON per (bucket, grouping, shape)."""

    def __init__(
        self,
        h: Hasher,
        directory: Directory,
        usage: UsageModel,
        cost_lines: Callable[[date], list[cost.Line]],
        service_accounts: tuple[str, ...],
    ) -> None:
        self._h, self._usage, self._cost_lines = h, usage, cost_lines
        self.labels = stream_labels(h, directory, usage.streams)
        self.actors = actor_objects(directory, service_accounts)
        size = max(8, min(64, 20_000 // len(usage.streams)))
        self.fragments = lru_cache(maxsize=size)(self._fragments)
        self._cost_atoms = lru_cache(maxsize=max(4, usage.cached_days))(self._atoms_of_day)

    def rows(
        self, kind: str, start: datetime, width: str, group_by: tuple[str, ...], shape: str
    ) -> list[Record]:
        """The rows of one bucket ("usage" or "cost"), in their served order."""
        project = _projector(group_by)
        if start.date() < FIRST_DAY:
            sums: dict[Label, Any] = {}
        elif kind == "usage":
            sums = self._usage_sums(start, width, project)
        else:
            sums = self._cost_sums(start.date(), project)
        names = USAGE_GROUPS if kind == "usage" else COST_GROUPS
        bounds = {
            "starting_at": format_bucket(start),
            "ending_at": format_bucket(start + WIDTHS[width]),
        }
        split = "cost_type" in group_by or "token_type" in group_by
        rows = []
        for key in sorted(sums, key=_sort_key):
            group = self._group(key, names, shape)
            if kind == "usage":
                rows.append({**bounds, "group": group, "usage": _usage_row(sums[key])})
            else:
                amount, list_amount, requests = sums[key]
                figures = {
                    "amount": cost.decimal_text(amount),
                    "list_amount": cost.decimal_text(list_amount),
                    "currency": "USD",
                    "requests": None if split else requests,
                }
                rows.append({**bounds, "group": group, "cost": figures})
        return rows

    def _fragments(
        self, kind: str, start: datetime, width: str, group_by: tuple[str, ...], shape: str
    ) -> tuple[jsonenc.Fragment, ...]:
        rows = self.rows(kind, start, width, group_by, shape)
        return tuple(jsonenc.fragment(row) for row in rows)

    def _group(self, key: Label, names: tuple[str, ...], shape: str) -> Record:
        group: Record = dict.fromkeys(names)
        for name, value in zip(LABEL, key, strict=True):
            if name in group:
                group[name] = value
        if shape == "object" and group["actor"] is not None:
            group["actor"] = self.actors[group["actor"]]
        return group

    def _usage_sums(
        self, start: datetime, width: str, project: Callable[[Label], Label]
    ) -> dict[Label, list[int]]:
        sums: dict[Label, list[int]] = {}
        bucket: Bucket = self._usage.bucket(start, width)
        for index, metrics in bucket.items():
            _add_into(sums, project(self.labels[index]), metrics)
        for label, hour, spans, _amount in self._code_execution(start.date()):
            if width == "1d" or hour == start.hour:
                _add_into(sums, project(label), (0, 0, 0, 0, 0, 0, spans))
        return sums

    def _cost_sums(
        self, day: date, project: Callable[[Label], Label]
    ) -> dict[Label, tuple[Decimal, Decimal, int]]:
        sums: dict[Label, tuple[Decimal, Decimal, int]] = {}
        for atom in self._cost_atoms(day):
            key = project(atom.label)
            prior = sums.get(key)
            if prior is None:
                sums[key] = (atom.amount, atom.list_amount, atom.requests)
            else:
                amount, list_amount, requests = prior
                sums[key] = (
                    amount + atom.amount,
                    list_amount + atom.list_amount,
                    requests + atom.requests,
                )
        return sums

    def _code_execution(self, day: date) -> list[tuple[Label, int, int, Decimal]]:
        """(label, hour, spans, cents) of each code execution line of the legacy cost report."""
        out = []
        for line in self._cost_lines(day):
            if line.parsed[0] == "code_execution":
                where = (day.toordinal(), line.workspace_id)
                label = _label(workspace_id=line.workspace_id, cost_type="code_execution")
                hour = 8 + self._h.below(10, "code-execution-hour", *where)
                spans = 1 + self._h.below(12, "code-execution-spans", *where)
                out.append((label, hour, spans, line.amount))
        return out

    def _atoms_of_day(self, day: date) -> tuple[CostAtom, ...]:
        atoms: list[CostAtom] = []
        streams = self._usage.streams
        for index, metrics in self._usage.day(day).total().items():
            stream = streams[index]
            if stream.dims[3] in cost.BILLED_TIERS:
                atoms.extend(self._stream_atoms(self.labels[index], stream, metrics))
        for label, _hour, spans, amount in self._code_execution(day):
            atoms.append(CostAtom(label, amount, amount, spans))
        return tuple(atoms)

    @staticmethod
    def _stream_atoms(label: Label, stream: Stream, metrics: tuple[int, ...]) -> list[CostAtom]:
        """Token and web-search cost of one stream's day; its requests ride on the first."""
        model = cat.MODELS_BY_ID[str(stream.dims[2])]
        atoms = []
        requests = metrics[6]
        base = label[: LABEL.index("cost_type")]
        for position, token_type in cost.TOKEN_TYPES:
            if metrics[position]:
                amount = metrics[position] * cost.price(model, token_type, stream)
                atoms.append(
                    CostAtom((*base, "tokens", token_type), amount, amount * LIST_MARKUP, requests)
                )
                requests = 0
        if metrics[5]:
            amount = metrics[5] * cat.WEB_SEARCH_CENTS
            atoms.append(CostAtom((*base, "web_search", None), amount, amount, requests))
        return atoms


def _add_into(sums: dict[Label, list[int]], key: Label, metrics: tuple[int, ...]) -> None:
    prior = sums.get(key)
    if prior is None:
        sums[key] = list(metrics)
    else:
        for i, value in enumerate(metrics):
            prior[i] += value
