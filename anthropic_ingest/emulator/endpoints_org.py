"""Handlers of the organization endpoints: /me, users, invites, workspaces, members, API keys."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import catalog as cat
from anthropic_ingest.emulator.errors import not_found
from anthropic_ingest.emulator.org import DEFAULT_INVITE_STATUSES
from anthropic_ingest.emulator.pagination import id_page

if TYPE_CHECKING:
    from anthropic_ingest.emulator.routes import Call

Record = dict[str, Any]
ALL_USER_ROLES = (*cat.USER_ROLES, "owner", "primary_owner", "membership_admin", "managed")


def _lookup(call: Call, param: str, object_type: str) -> Record:
    record = call.org.get(call.params[param])
    if record is None or record["type"] != object_type:
        raise not_found()
    return record


def get_organization(call: Call) -> Record:
    return call.org.organization


def list_users(call: Call) -> Record:
    roles = call.query.choices("roles", ALL_USER_ROLES)
    return id_page(call.org.list_users(call.query.value("email"), roles), call.query)


def get_user(call: Call) -> Record:
    return _lookup(call, "user_id", "user")


def list_invites(call: Call) -> Record:
    roles = call.query.choices("roles", ALL_USER_ROLES)
    statuses = call.query.choices("statuses", DEFAULT_INVITE_STATUSES)
    invites = call.org.list_invites(call.query.value("email"), roles, statuses)
    return id_page(invites, call.query)


def get_invite(call: Call) -> Record:
    return _lookup(call, "invite_id", "invite")


def list_workspaces(call: Call) -> Record:
    include_archived = call.query.flag("include_archived", False)
    return id_page(call.org.list_workspaces(include_archived), call.query)


def get_workspace(call: Call) -> Record:
    return _lookup(call, "workspace_id", "workspace")


def _members(call: Call) -> tuple[Record, ...]:
    members = call.org.members(call.params["workspace_id"])
    if members is None:
        raise not_found()
    return members


def list_members(call: Call) -> Record:
    return id_page(_members(call), call.query, id_key="user_id")


def get_member(call: Call) -> Record:
    user_id = call.params["user_id"]
    for member in _members(call):
        if member["user_id"] == user_id:
            return member
    raise not_found()


def list_api_keys(call: Call) -> Record:
    query = call.query
    keys = call.org.list_api_keys(
        status=query.choice("status", cat.API_KEY_STATUSES),
        workspace_id=query.value("workspace_id"),
        created_by_user_id=query.value("created_by_user_id"),
    )
    return id_page(keys, query)


def get_api_key(call: Call) -> Record:
    return _lookup(call, "api_key_id", "api_key")
