"""API key objects in the three shapes the emulator can serve (EmulatorConfig.api_keys_shape).

* "current": what the API serves under `anthropic-version: 2023-06-01` since the SDK types of
  2026-08-26: deprecated `workspace_id` (null for the Default Workspace and for
  organization-scoped keys), `scope` and `principal` as the `user_actor` /
  `service_account_actor` union.
* "newest": the same without `workspace_id` (the GA SDK types, perhaps API version 2026-10-21).
* "august": the 2026-08-22 reference: `workspace_id`, `principal: {id, type}`, no `scope`.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]

# principal union type -> (field holding the ID, August `type`)
_ACTORS = {
    "user_actor": ("user_id", "user"),
    "service_account_actor": ("service_account_id", "service_account"),
}


def reshape(current: Record, shape: str) -> Record:
    """The key `current` (a "current"-shape record) as served in `shape`."""
    if shape == "current":
        return current
    if shape == "newest":
        return {k: v for k, v in current.items() if k != "workspace_id"}
    if shape == "august":
        august = {k: v for k, v in current.items() if k not in ("scope", "principal")}
        august["principal"] = _august_principal(current["principal"])
        return august
    raise ValueError(f"unknown API key shape {shape!r}")


def _august_principal(principal: Record | None) -> Record | None:
    if principal is None:
        return None
    id_field, kind = _ACTORS[principal["type"]]
    return {"id": principal[id_field], "type": kind}
