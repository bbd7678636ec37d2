"""Readable names for the IDs in usage and cost rows: workspaces, API keys and users."""

from __future__ import annotations

from dataclasses import dataclass, field

from anthropic_ingest.report.model import CONSOLE_USAGE, DEFAULT_WORKSPACE
from anthropic_ingest.report.reader import Reader


@dataclass
class Names:
    """ID-to-name lookups built from whichever of the name tables are loaded."""

    workspaces: dict[str, str] = field(default_factory=dict)
    archived: set[str] = field(default_factory=set)
    api_keys: dict[str, str] = field(default_factory=dict)
    key_workspace: dict[str, str | None] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    def workspace(self, workspace_id: str | None) -> str:
        """The workspace's name; a null ID is the Default workspace; unknown IDs stay IDs."""
        if workspace_id is None:
            return DEFAULT_WORKSPACE
        name = self.workspaces.get(workspace_id, workspace_id)
        if workspace_id in self.archived and "archived" not in name.lower():
            return f"{name} (archived)"
        return name

    def api_key(self, api_key_id: str | None) -> str:
        """The key's name; a null ID is Console/Workbench usage; unknown IDs stay IDs."""
        if api_key_id is None:
            return CONSOLE_USAGE
        return self.api_keys.get(api_key_id, api_key_id)

    def key_workspace_label(self, api_key_id: str | None) -> str:
        """The workspace of a key, when the api_keys table knows the key."""
        if api_key_id is None or api_key_id not in self.key_workspace:
            return ""
        return self.workspace(self.key_workspace[api_key_id])

    def actor(self, actor_type: str, actor_id: str) -> str:
        """A Claude Code actor: 'Name <email>' for users, 'API key: name' for keys."""
        if actor_type == "api_actor":
            return f"API key: {actor_id}"
        name = self.users.get(actor_id.lower())
        return f"{name} <{actor_id}>" if name else actor_id


def load_names(reader: Reader, tables: set[str]) -> Names:
    """Read the name tables that exist; absent ones leave IDs as they are."""
    names = Names()
    if "workspaces" in tables:
        for ws_id, name, archived_at in reader.query(
            f"SELECT id, name, archived_at FROM {reader.table('workspaces')}"
        ):
            names.workspaces[ws_id] = name or ws_id
            if archived_at is not None:
                names.archived.add(ws_id)
    if "api_keys" in tables:
        for key_id, name, workspace_id in reader.query(
            f"SELECT id, name, workspace_id FROM {reader.table('api_keys')}"
        ):
            names.api_keys[key_id] = name or key_id
            names.key_workspace[key_id] = workspace_id
    if "users" in tables:
        for email, name in reader.query(f"SELECT email, name FROM {reader.table('users')}"):
            if email and name:
                names.users[str(email).lower()] = name
    return names
