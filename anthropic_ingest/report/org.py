"""Who has access: users by role, API keys, invites, workspaces.

These tables are snapshots of the current state, so they are read "as of" the time the
report is made, not filtered by the report's date range.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from anthropic_ingest.report.model import Amount, InviteInfo, KeyInfo, OrgSection, WorkspaceInfo
from anthropic_ingest.report.names import Names
from anthropic_ingest.report.reader import Reader

EXPIRY_WARNING = timedelta(days=7)


def build_org(reader: Reader, names: Names, tables: set[str], now: datetime) -> OrgSection:
    """The organization figures whose tables are loaded; the others stay None."""
    org = OrgSection()
    if "users" in tables:
        org.users_by_role = _count_by(reader, "users", "role")
    if "api_keys" in tables:
        org.keys_by_status = _count_by(reader, "api_keys", _key_status(reader, now))
        org.active_keys = _active_keys(reader, names, now)
    if "invites" in tables:
        # Invites are counted by the status the API gave them, as the table holds them;
        # pending ones past their expiry are flagged, not re-labelled (see `InviteInfo`).
        org.invites_by_status = _count_by(reader, "invites", "COALESCE(status, '(unknown)')")
        org.pending_invites = _pending_invites(reader, now)
        soon = now + EXPIRY_WARNING
        org.expiring_invites = [
            i for i in org.pending_invites
            if not i.past_expiry and i.expires_at is not None and _aware(i.expires_at) <= soon
        ]  # fmt: skip
    if "workspaces" in tables:
        org.workspaces = _workspaces(reader, names, tables, now)
    return org


def organization_name(reader: Reader) -> str | None:
    """The organization's name, from the organization table."""
    rows = reader.query(f"SELECT name FROM {reader.table('organization')} ORDER BY id LIMIT 1")
    return str(rows[0][0]) if rows and rows[0][0] else None


def _key_status(reader: Reader, now: datetime) -> str:
    # A key past its expiry may still say 'active' until the next load: it no longer works,
    # so it is counted as expired.
    return (
        f"CASE WHEN status = 'active' AND {reader.before('api_keys', 'expires_at', now)} "
        "THEN 'expired' ELSE COALESCE(status, '(unknown)') END"
    )


def _aware(moment: datetime) -> datetime:
    """Naive datetimes from MySQL hold UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _count_by(reader: Reader, table: str, expr: str) -> list[Amount]:
    rows = reader.query(f"SELECT {expr}, COUNT(*) FROM {reader.table(table)} GROUP BY 1")
    counts = [Amount(str(label or "(none)"), int(n)) for label, n in rows]
    return sorted(counts, key=lambda a: (-a.value, a.label))


def _active_where(reader: Reader, now: datetime) -> str:
    expired = reader.before("api_keys", "expires_at", now)
    return f"status = 'active' AND (expires_at IS NULL OR NOT ({expired}))"


def _active_keys(reader: Reader, names: Names, now: datetime) -> list[KeyInfo]:
    rows = reader.query(
        f"SELECT name, workspace_id, created_at, expires_at FROM {reader.table('api_keys')} "
        f"WHERE {_active_where(reader, now)} ORDER BY created_at DESC, name"
    )
    return [KeyInfo(str(n or ""), names.workspace(ws), c, e) for n, ws, c, e in rows]


def _pending_invites(reader: Reader, now: datetime) -> list[InviteInfo]:
    """Invites whose status is pending, soonest expiry first, flagged when past expiry."""
    past = reader.before("invites", "expires_at", now)
    rows = reader.query(
        f"SELECT email, role, expires_at, CASE WHEN {past} THEN 1 ELSE 0 END "
        f"FROM {reader.table('invites')} WHERE status = 'pending' ORDER BY expires_at, email"
    )
    return [InviteInfo(str(e), str(r or ""), x, bool(p)) for e, r, x, p in rows]


def _workspaces(
    reader: Reader, names: Names, tables: set[str], now: datetime
) -> list[WorkspaceInfo]:
    members: dict[str | None, int] | None = None
    keys: dict[str | None, int] | None = None
    if "workspace_members" in tables:
        members = _counts(reader, "workspace_members", "")
    if "api_keys" in tables:
        keys = _counts(reader, "api_keys", f" WHERE {_active_where(reader, now)}")
    rows = reader.query(
        f"SELECT id, archived_at FROM {reader.table('workspaces')} ORDER BY name, id"
    )
    ids: list[str | None] = [None, *(ws for ws, _ in rows)]
    archived = {ws for ws, at in rows if at is not None}
    return [
        WorkspaceInfo(
            name=names.workspace(ws),
            archived=ws in archived,
            # The Default workspace's members are not listed by the API.
            members=None if members is None or ws is None else members.get(ws, 0),
            active_keys=None if keys is None else keys.get(ws, 0),
        )
        for ws in ids
    ]


def _counts(reader: Reader, table: str, where: str) -> dict[str | None, int]:
    rows = reader.query(
        f"SELECT workspace_id, COUNT(*) FROM {reader.table(table)}{where} GROUP BY 1"
    )
    return {ws: int(n) for ws, n in rows}
