"""The organization part of the page: users, API keys, invites, workspaces."""

from __future__ import annotations

from anthropic_ingest.report import fmt
from anthropic_ingest.report.blocks import figure, grid, grid3, note, table, unavailable
from anthropic_ingest.report.model import Amount, OrgSection, ReportData
from anthropic_ingest.report.org import EXPIRY_WARNING


def org_lead(data: ReportData) -> str:
    org = data.org
    parts = []
    if org.users_total is not None:
        parts.append(f"<strong>{fmt.count(org.users_total)}</strong> members")
    if org.active_keys is not None:
        parts.append(f"<strong>{fmt.count(len(org.active_keys))}</strong> active API keys")
    if org.pending_invites is not None:
        late = sum(1 for i in org.pending_invites if i.past_expiry)
        past = f" ({fmt.count(late)} past their expiry date)" if late else ""
        parts.append(
            f"<strong>{fmt.count(len(org.pending_invites))}</strong> pending invites{past}"
        )
    if not parts:
        return ""
    return f"As of {fmt.moment(data.generated_at)}: " + ", ".join(parts) + "."


def org_body(org: OrgSection) -> str:
    return "".join(
        (
            grid3(
                _counts("Users by role", org.users_by_role, "Role", "Users", "users"),
                _counts("API keys by status", org.keys_by_status, "Status", "Keys", "api_keys"),
                _counts("Invites by status", org.invites_by_status, "Status", "Invites", "invites"),
            ),
            grid(_pending(org), _workspaces(org)),
            _active_keys(org),
        )
    )


def _counts(title: str, counts: list[Amount] | None, what: str, unit: str, source: str) -> str:
    if counts is None:
        return figure(title, unavailable(title, [source]))
    rows = [[a.label, fmt.count(a.value)] for a in counts]
    return figure(title, table([what, unit], rows, numeric=(1,), empty="None."))


def _pending(org: OrgSection) -> str:
    title = "Pending invites"
    if org.pending_invites is None or org.expiring_invites is None:
        return figure(title, unavailable(title, ["invites"]))
    soon, late = org.expiring_invites, [i for i in org.pending_invites if i.past_expiry]
    rows = [
        [i.email, i.role, fmt.moment(i.expires_at),
         "past expiry" if i.past_expiry else (f"in {EXPIRY_WARNING.days} days" if i in soon
                                               else "")]
        for i in org.pending_invites
    ]  # fmt: skip
    return figure(
        f"{title} ({fmt.count(len(rows))})",
        table(["Email", "Role", "Expires", "Expiry"], rows, empty="No pending invites."),
        f"Invites whose status is pending in the invites table; {len(soon)} expire within "
        f"{EXPIRY_WARNING.days} days and {len(late)} are past their expiry date (the API "
        "still lists them as pending; they can no longer be accepted). Invites expire 21 "
        "days after they are sent.",
    )


def _workspaces(org: OrgSection) -> str:
    if org.workspaces is None:
        return figure("Workspaces", unavailable("Workspaces", ["workspaces"]))
    rows = [
        [
            w.name,
            fmt.DASH if w.members is None else fmt.count(w.members),
            fmt.DASH if w.active_keys is None else fmt.count(w.active_keys),
        ]
        for w in org.workspaces
    ]
    return figure(
        "Workspaces",
        table(["Workspace", "Members", "Active API keys"], rows, numeric=(1, 2)),
        "The API does not list members of the Default workspace.",
    )


def _active_keys(org: OrgSection) -> str:
    if org.active_keys is None:
        return figure("Active API keys", unavailable("Active API keys", ["api_keys"]))
    rows = [
        [
            k.name,
            k.workspace,
            fmt.moment(k.created_at),
            fmt.moment(k.expires_at) if k.expires_at else "never",
        ]
        for k in org.active_keys
    ]
    body = table(["Key", "Workspace", "Created", "Expires"], rows, empty="No active keys.")
    return figure("Active API keys", body if rows else note("No active API keys."))
