"""The org's people and things: users, workspaces, API keys, invites and memberships.

Built once per (seed, user count); every list is kept in the order the API serves it:
creation time descending, then ID descending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import format_micro

Record = dict[str, Any]

ORG_EPOCH = datetime(2024, 1, 8, 9, 30, tzinfo=UTC)
_MICROS_PER_DAY = 86_400 * 1_000_000


@dataclass(frozen=True)
class Person:
    """A user with the hidden traits that drive their Claude Code activity."""

    record: Record
    added: datetime
    claude_code: bool
    subscription: bool


@dataclass(frozen=True)
class Key:
    """An API key with the hidden traits that drive its usage.

    `record` is the "current" shape (apikeys.reshape gives the others). An organization-scoped
    key has `scope` "organization"; its usage is reported like the Default Workspace's.
    """

    record: Record
    created: datetime
    workspace: str  # the real workspace ID its usage lands in, also the Default Workspace's
    claude_code: bool
    scope: str = "workspace"


@dataclass(frozen=True)
class Directory:
    """Everything the org-management endpoints serve."""

    organization: Record
    people: tuple[Person, ...]
    workspaces: tuple[Record, ...]  # listed and archived; never the Default Workspace
    default_workspace: Record
    keys: tuple[Key, ...]
    invites: tuple[Record, ...]
    members: dict[str, tuple[Record, ...]]  # by workspace ID, Default Workspace included
    service_accounts: tuple[str, ...]


def _moment(h: Hasher, max_days: int, *parts: object) -> datetime:
    return ORG_EPOCH + timedelta(microseconds=h.below(max_days * _MICROS_PER_DAY, *parts))


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def build_directory(seed: int, users: int) -> Directory:
    """Generate the org directory for a seed and a user count."""
    h = Hasher(seed)
    people = _build_people(h, users)
    workspaces, default = _build_workspaces(h, users)
    service_accounts = tuple(h.tagged_id("svac", i) for i in range(min(10, 2 + users // 500)))
    keys = _build_keys(h, people, workspaces, default, service_accounts)
    org = {"id": h.uuid("organization"), "type": "organization"}
    org["name"] = cat.ORG_NAMES[h.below(len(cat.ORG_NAMES), "org-name")]
    return Directory(
        organization=org,
        people=tuple(sorted(people, key=lambda p: (p.added, p.record["id"]), reverse=True)),
        workspaces=tuple(sorted(workspaces, key=_created_key, reverse=True)),
        default_workspace=default,
        keys=tuple(sorted(keys, key=lambda k: (k.created, k.record["id"]), reverse=True)),
        invites=tuple(_build_invites(h, people)),
        members=_build_members(h, people, workspaces, default),
        service_accounts=service_accounts,
    )


def _created_key(record: Record) -> tuple[str, str]:
    return (record["created_at"], record["id"])


def _person_name(h: Hasher, i: int) -> tuple[str, str]:
    if i < len(cat.FIXED_PEOPLE):
        return cat.FIXED_PEOPLE[i]
    first, first_ascii = cat.FIRST_NAMES[h.below(len(cat.FIRST_NAMES), "first", i)]
    last, last_ascii = cat.LAST_NAMES[h.below(len(cat.LAST_NAMES), "last", i)]
    return f"{first} {last}", f"{first_ascii}.{last_ascii}"


def _build_people(h: Hasher, n: int) -> list[Person]:
    people: list[Person] = []
    seen: set[str] = set()
    for i in range(n):
        name, local = _person_name(h, i)
        domain = cat.EMAIL_DOMAINS[h.below(len(cat.EMAIL_DOMAINS), "domain", i)]
        email = f"{local}@{domain}"
        if email in seen:
            email = f"{local}{i}@{domain}"
        seen.add(email)
        if i < len(cat.USER_ROLES):
            role = cat.USER_ROLES[i]
        else:
            role = h.rng("role", i).choices(cat.USER_ROLES, cat.USER_ROLE_WEIGHTS)[0]
        added = ORG_EPOCH if i == 0 else _moment(h, 330, "added", i)
        record = {
            "id": h.tagged_id("user", i),
            "type": "user",
            "email": email,
            "name": name,
            "role": role,
            "added_at": format_micro(added),
        }
        codes = role == "claude_code_user" or (role != "billing" and h.unit("cc", i) < 0.9)
        subscription = codes and h.unit("subscription", i) < 0.2
        people.append(Person(record, added, codes, subscription))
    return people


def _workspace(h: Hasher, key: object, name: str, created: datetime) -> Record:
    geo = "us" if h.unit("geo", key) < 0.3 else "global"
    allowed: str | list[str] = "unrestricted"
    if h.unit("allowed", key) < 0.4:
        allowed = ["us"] if geo == "us" else ["global", "us"]
    tags_roll = h.below(4, "tags", key)
    tags = [{}, {"team": "platform", "env": "prod"}, {"cost-center": "R&D/ß"}, {"env": "dev"}]
    return {
        "id": h.tagged_id("wrkspc", key),
        "type": "workspace",
        "name": name,
        "created_at": format_micro(created),
        "archived_at": None,
        "display_color": cat.DISPLAY_COLORS[h.below(len(cat.DISPLAY_COLORS), "color", key)],
        "data_residency": {
            "workspace_geo": "us",
            "default_inference_geo": geo,
            "allowed_inference_geos": allowed,
        },
        "tags": tags[tags_roll],
        "compartment_id": h.uuid("compartment", key),
        "external_key_id": h.tagged_id("ekey", key) if h.unit("ekey", key) < 0.2 else None,
    }


def _build_workspaces(h: Hasher, users: int) -> tuple[list[Record], Record]:
    listed = _clamp(3 + users // 40, 4, 60)
    workspaces = []
    for i in range(listed):
        name = cat.WORKSPACE_NAMES[i] if i < len(cat.WORKSPACE_NAMES) else f"Team {i + 1:03d}"
        workspaces.append(_workspace(h, i, name, _moment(h, 300, "ws-created", i)))
    for j in range(1 if users < 100 else 2):
        created = _moment(h, 120, "ws-archived-created", j)
        record = _workspace(h, f"archived-{j}", cat.ARCHIVED_WORKSPACE_NAMES[j], created)
        record["archived_at"] = format_micro(created + timedelta(days=30 + 7 * j, hours=5))
        workspaces.append(record)
    default = _workspace(h, "default", "Default", ORG_EPOCH)
    return workspaces, default


def _key_creator(
    h: Hasher, i: int, makers: list[Person], service_accounts: tuple[str, ...]
) -> tuple[Record | None, datetime]:
    """Who created key `i` ({id, type} or None for legacy keys) and when they joined."""
    if i % 10 == 3:
        return None, ORG_EPOCH
    if i % 7 == 2:
        svac = service_accounts[h.below(len(service_accounts), "key-svac", i)]
        return {"id": svac, "type": "service_account"}, ORG_EPOCH
    person = makers[h.below(len(makers), "key-creator", i)]
    return {"id": person.record["id"], "type": "user"}, person.added


def _build_keys(
    h: Hasher,
    people: list[Person],
    workspaces: list[Record],
    default: Record,
    service_accounts: tuple[str, ...],
) -> list[Key]:
    keys = []
    makers = [p for p in people if p.record["role"] in ("admin", "developer")] or people
    count = _clamp(6 + len(people) // 4, 8, 400)
    for i in range(count):
        ws = default if i % 5 == 0 else workspaces[h.below(len(workspaces), "key-ws", i)]
        if i < len(cat.API_KEY_STATUSES):
            status = cat.API_KEY_STATUSES[i]
        else:
            rng = h.rng("key-status", i)
            status = rng.choices(cat.API_KEY_STATUSES, cat.API_KEY_STATUS_WEIGHTS)[0]
        if ws["archived_at"] is not None:
            status = "archived"
        creator, joined = _key_creator(h, i, makers, service_accounts)
        start = max(datetime.fromisoformat(ws["created_at"]), joined)
        created = start + timedelta(microseconds=h.below(200 * _MICROS_PER_DAY, "key-at", i))
        # Every tenth key from the fifth on (always one: there are at least 8) is a personal or
        # service-account key scoped to the whole organization instead of the Default Workspace.
        scope = "organization" if i % 10 == 5 and creator is not None else "workspace"
        keys.append(_key(h, i, status, creator, created, ws is default, ws["id"], scope))
    return keys


def _key(
    h: Hasher,
    i: int,
    status: str,
    creator: Record | None,
    created: datetime,
    in_default: bool,
    workspace: str,
    scope: str,
) -> Key:
    expires = None
    if status == "expired":
        expires = format_micro(created + timedelta(days=90))
    elif h.unit("key-expiry", i) < 0.2:
        expires = format_micro(created + timedelta(days=365 * 3))
    hint = None
    if h.unit("key-hint", i) >= 0.08:
        tail = h.tagged_id("hint", i)
        hint = f"sk-ant-api03-{tail[8:11]}...{tail[-4:]}"
    name = cat.API_KEY_NAMES[i] if i < len(cat.API_KEY_NAMES) else f"service key {i:03d}"
    record = {
        "id": h.tagged_id("apikey", i),
        "type": "api_key",
        "name": name,
        "status": status,
        "created_at": format_micro(created),
        "created_by": creator,
        "partial_key_hint": hint,
        "workspace_id": None if in_default or scope == "organization" else workspace,
        "scope": _scope(scope, workspace),
        "expires_at": expires,
        "principal": _actor(creator),
    }
    codes = "Claude Code" in name or h.unit("key-cc", i) < 0.25
    return Key(record, created, workspace, codes, scope)


def _scope(scope: str, workspace: str) -> Record:
    """The key's `scope`: the real workspace ID (the Default Workspace's too), or the org."""
    if scope == "organization":
        return {"type": "organization"}
    return {"type": "workspace", "workspace_id": workspace}


def _actor(creator: Record | None) -> Record | None:
    """The key's `principal` as the union of the SDK types of 2026-08-26 (null for none).

    The emulator keeps the choice of its August model: a key acts as whoever created it.
    """
    if creator is None:
        return None
    if creator["type"] == "service_account":
        return {"type": "service_account_actor", "service_account_id": creator["id"]}
    return {"type": "user_actor", "user_id": creator["id"]}


def _build_invites(h: Hasher, people: list[Person]) -> list[Record]:
    invites = []
    for i in range(_clamp(4 + len(people) // 8, 5, 500)):
        if i < len(cat.INVITE_STATUSES):
            status = cat.INVITE_STATUSES[i]
        else:
            status = h.rng("invite-status", i).choices(cat.INVITE_STATUSES, (30, 40, 20, 10))[0]
        accepted_at = None
        if status == "accepted":
            person = people[h.below(len(people), "invitee", i)]
            email, accepted = person.record["email"], person.added
            invited = accepted - timedelta(hours=1 + h.below(400, "invite-lag", i))
            accepted_at = format_micro(accepted)
        else:
            email = "d'arcy.o'neil@example.org" if i == 0 else f"invitee{i:03d}@example.com"
            invited = _moment(h, 600, "invited", i)
        role = h.rng("invite-role", i).choices(cat.USER_ROLES, cat.USER_ROLE_WEIGHTS)[0]
        groups = [h.tagged_id("rbac_group", i)] if i % 10 == 7 else []
        invites.append(
            {
                "id": h.tagged_id("invite", i),
                "type": "invite",
                "email": email,
                "role": role,
                "status": status,
                "invited_at": format_micro(invited),
                "expires_at": format_micro(invited + timedelta(days=21)),
                "accepted_at": accepted_at,
                "rbac_group_ids": groups,
            }
        )
    invites.sort(key=lambda r: (r["invited_at"], r["id"]), reverse=True)
    return invites


def _build_members(
    h: Hasher, people: list[Person], workspaces: list[Record], default: Record
) -> dict[str, tuple[Record, ...]]:
    ordered = sorted(people, key=lambda p: (p.added, p.record["id"]), reverse=True)
    chosen: dict[str, set[str]] = {ws["id"]: set() for ws in workspaces}
    for i, person in enumerate(people):
        rng = h.rng("memberships", i)
        picks = rng.sample(workspaces, k=min(len(workspaces), 1 + rng.randrange(3)))
        for ws in workspaces if person.record["role"] == "admin" else picks:
            chosen[ws["id"]].add(person.record["id"])
    members: dict[str, tuple[Record, ...]] = {}
    for ws in workspaces:
        rows = [_member(h, p, ws["id"]) for p in ordered if p.record["id"] in chosen[ws["id"]]]
        members[ws["id"]] = tuple(rows)
    members[default["id"]] = tuple(_member(h, p, default["id"], True) for p in ordered)
    return members


def _member(h: Hasher, person: Person, workspace_id: str, by_org_role: bool = False) -> Record:
    user_id, role = person.record["id"], person.record["role"]
    if role == "admin" or by_org_role:
        ws_role = cat.WORKSPACE_ROLE_FOR_ORG_ROLE[role]
    else:
        rng = h.rng("ws-role", user_id, workspace_id)
        ws_role = rng.choices(cat.WORKSPACE_ROLES, cat.WORKSPACE_ROLE_WEIGHTS)[0]
    return {
        "type": "workspace_member",
        "user_id": user_id,
        "workspace_id": workspace_id,
        "workspace_role": ws_role,
    }
