"""The `/_emulator/...` control routes: reset, reseed, settings, scripts and the request log.

They need no credential and are never written to the request log. Bodies are JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from anthropic_ingest.emulator import faults
from anthropic_ingest.emulator.errors import ApiError, invalid_request, not_found
from anthropic_ingest.emulator.responses import Outcome, error_outcome, json_outcome

if TYPE_CHECKING:
    from anthropic_ingest.emulator.app import EmulatorApp

Body = dict[str, Any]
Action = Callable[["EmulatorApp", Body], Any]


def _health(app: EmulatorApp, body: Body) -> Any:
    return {"status": "ok"}


def _config(app: EmulatorApp, body: Body) -> Any:
    config = app.config
    start, end = config.data_range()
    return {
        "seed": config.seed,
        "users": config.users,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "latency_ms": config.latency_ms,
        "rate_limit_rpm": config.rate_limit_rpm,
        "fault_rate": config.fault_rate,
        "rate_limit_retry_after": config.rate_limit_retry_after,
        "api_keys_shape": config.api_keys_shape,
        "analytics_access": config.analytics_access,
        "analytics_actor_shape": config.analytics_actor_shape,
        "service_accounts_access": config.service_accounts_access,
        "rate_limits_access": config.rate_limits_access,
        "rate_limits_shape": config.rate_limits_shape,
        "stale_cursor_every": config.stale_cursor_every,
        "org_type": config.org_type,
        "enterprise_rate_limit_rpm": config.enterprise_rate_limit_rpm,
        "organization_id": app.org.organization["id"],
    }


def _reset(app: EmulatorApp, body: Body) -> Any:
    app.reset()
    return {"status": "reset"}


def _reseed(app: EmulatorApp, body: Body) -> Any:
    seed, users = body.get("seed"), body.get("users")
    if not isinstance(seed, int) or not (users is None or isinstance(users, int)):
        raise invalid_request('reseed needs {"seed": <int>, "users": <int, optional>}')
    app.reseed(seed, users)
    return _config(app, {})


def _settings(app: EmulatorApp, body: Body) -> Any:
    app.configure(**body)
    return _config(app, {})


def _add_script(app: EmulatorApp, body: Body) -> Any:
    path, responses = body.get("path"), body.get("responses")
    if not isinstance(path, str) or not path.startswith("/") or not isinstance(responses, list):
        raise invalid_request('a script needs {"path": "/v1/...", "responses": [...]}')
    prefix = body.get("prefix", False)
    if not isinstance(prefix, bool):
        raise invalid_request("prefix must be true or false")
    queued = faults.expand(responses)
    app.scripts.add(path, queued, prefix=prefix)
    return {"queued": len(queued)}


def _scripts(app: EmulatorApp, body: Body) -> Any:
    return {"data": app.scripts.pending()}


def _clear_scripts(app: EmulatorApp, body: Body) -> Any:
    app.scripts.clear()
    return {"status": "cleared"}


def _requests(app: EmulatorApp, body: Body) -> Any:
    return {"data": app.log.entries()}


def _clear_requests(app: EmulatorApp, body: Body) -> Any:
    app.log.clear()
    return {"status": "cleared"}


ACTIONS: dict[str, dict[str, Action]] = {
    "/_emulator/health": {"GET": _health},
    "/_emulator/config": {"GET": _config},
    "/_emulator/reset": {"POST": _reset},
    "/_emulator/reseed": {"POST": _reseed},
    "/_emulator/settings": {"POST": _settings},
    "/_emulator/scripts": {"GET": _scripts, "POST": _add_script, "DELETE": _clear_scripts},
    "/_emulator/requests": {"GET": _requests, "DELETE": _clear_requests},
}


def handle(app: EmulatorApp, method: str, path: str, raw_body: bytes, request_id: str) -> Outcome:
    """Serve one control request."""
    try:
        methods = ACTIONS.get(path)
        if methods is None:
            raise not_found(f"no control route {path}")
        if method not in methods:
            raise ApiError(405, f"{path} accepts {', '.join(methods)}")
        body = _parse_body(raw_body)
        try:
            return json_outcome(200, methods[method](app, body))
        except (ValueError, TypeError) as exc:  # bad settings or fault specs
            raise invalid_request(str(exc)) from None
    except ApiError as error:
        return error_outcome(error, request_id)


def _parse_body(raw: bytes) -> Body:
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise invalid_request("the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise invalid_request("the body must be a JSON object")
    return body
