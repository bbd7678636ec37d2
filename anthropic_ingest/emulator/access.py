"""Who may call what: the Admin key, the Enterprise Analytics key, and the org's type.

| route family | Admin key | Analytics key (Enterprise org) | missing / other key |
|---|---|---|---|
| admin (users, reports, …) | served | 403 `permission_error` | 401 |
| report (`/analytics/usage`, `/analytics/cost`) | served | served | 401 |
| engagement (`/analytics/users`, …) | 404 | served | 404 |
| enterprise (RBAC groups, spend limits) | served (404 in a Console org) | served | 401 |

The Analytics key exists only in an Enterprise org; a Console org treats it as any unknown key.
Engagement endpoints answer 404 for a missing, invalid or under-scoped key (§5.1), and in a
Console org for every key, because the org is not an Enterprise one.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from anthropic_ingest.emulator.config import EmulatorConfig
from anthropic_ingest.emulator.errors import ApiError, invalid_request, not_found

API_VERSIONS = ("2023-06-01",)
SCOPE = "read:analytics"
OUT_OF_SCOPE = (
    f"This API key has the scopes [{SCOPE}]; this endpoint needs an Admin API key "
    "(scope org:admin)."
)


def credential(headers: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(kind, secret) of the credential sent: "x-api-key", "bearer", "other" or None."""
    if "x-api-key" in headers:
        return "x-api-key", headers["x-api-key"]
    authorization = headers.get("authorization")
    if authorization is None:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer":
        return "bearer", token.strip()
    return "other", None


def _same(secret: str, key: str) -> bool:
    return hmac.compare_digest(secret.encode("utf-8"), key.encode("utf-8"))


def identify(config: EmulatorConfig, headers: Mapping[str, str]) -> str:
    """ "admin", "analytics", "missing" or "invalid" (any other key, or an unusable header)."""
    kind, secret = credential(headers)
    if kind is None:
        return "missing"
    if secret is None:
        return "invalid"
    if _same(secret, config.admin_key):
        return "admin"
    if config.org_type == "enterprise" and _same(secret, config.analytics_key):
        return "analytics"
    return "invalid"


def check(config: EmulatorConfig, headers: Mapping[str, str], family: str) -> None:
    """Raise the error the module table gives, then 400 without a supported API version."""
    who = identify(config, headers)
    if family == "engagement":
        if who != "analytics":
            raise not_found()
    elif who == "missing":
        raise ApiError(401, "x-api-key header is required")
    elif who == "invalid":
        kind = credential(headers)[0]
        raise ApiError(401, "invalid x-api-key" if kind == "x-api-key" else "invalid token")
    elif family == "enterprise" and config.org_type != "enterprise":
        raise not_found()
    elif family == "admin" and who == "analytics":
        raise ApiError(403, OUT_OF_SCOPE)
    version = headers.get("anthropic-version")
    if version is None:
        raise invalid_request("anthropic-version: header is required")
    if version not in API_VERSIONS:
        raise invalid_request(f"anthropic-version: {version!r} is not a valid version")
