"""`anthropic-ingest check`: what a key can read, run as users run it against the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from anthropic_ingest.emulator import EmulatorConfig, running_emulator
from anthropic_ingest.tables import TABLES
from anthropic_ingest.tables_enterprise import ENTERPRISE_TABLES
from tests.conftest import DATA_END, DATA_START, CliResult, assert_no_secret, run_cli, source_uri

ORG = "/v1/organizations"
ENTERPRISE = tuple(spec.name for spec in ENTERPRISE_TABLES)
ORIGINAL = (
    "claude_code_usage",
    "usage_report",
    "cost_report",
    "organization",
    "users",
    "invites",
    "workspaces",
    "workspace_members",
    "api_keys",
)


def run_check(emu: Any, **options: Any) -> CliResult:
    result = run_cli("check", "--source-uri", source_uri(emu, **options))
    assert_no_secret(emu.admin_key, result.stdout, result.stderr)
    assert all(len(line) <= 80 for line in result.stdout.splitlines()), result.stdout
    return result


def access(result: CliResult) -> dict[str, str]:
    """The verdict printed for each table (continuation lines joined)."""
    lines = result.stdout.split("\ntable", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    verdicts: dict[str, str] = {}
    name = ""
    for line in lines:
        if line[:28].strip():
            name = line[:28].strip()
            verdicts[name] = line[28:]
        else:
            verdicts[name] += " " + line.strip()
    return verdicts


def fact(result: CliResult, label: str) -> str:
    """The value printed after a label such as `organization` (continuation lines joined)."""
    lines = result.stdout.split("\n\n")[2].splitlines()  # after the header and the tables
    start = next(i for i, line in enumerate(lines) if line[:19].strip() == label)
    value = [lines[start][19:]]
    for line in lines[start + 1 :]:
        if line[:19].strip() or not line.strip():
            break
        value.append(line.strip())
    return " ".join(value)


def test_every_table_readable_exits_zero(emu: Any) -> None:
    result = run_check(emu)
    assert result.code == 0, result.output
    seen = access(result)
    assert {n: seen[n] for n in TABLES if n not in ENTERPRISE} == {
        name: "readable" for name in TABLES if name not in ENTERPRISE
    }
    # A Console organization's Admin key reads no Claude Enterprise table.
    assert all(seen[n].startswith("not available: needs a") for n in ENTERPRISE)
    me = emu.org.organization
    assert fact(result, "organization") == f"{me['name']} (id {me['id']})"
    assert fact(result, "kind").startswith("Console organization (Admin API)")
    assert "anthropic-version 2023-06-01" in fact(result, "API version sent")
    assert fact(result, "key") == "accepted"
    assert fact(result, "requests") == "16 sent, 0 retried; no 429 (rate-limited) answer"
    assert result.stdout.rstrip().endswith("docs/coverage.md")
    assert result.stderr == ""


def test_one_small_request_per_family(emu: Any) -> None:
    run_check(emu)
    paths = [entry["path"] for entry in emu.requests()]
    assert len(paths) == len(set(paths)) == 16
    members = [p for p in paths if p.endswith("/members")]
    assert len(members) == 1 and members[0].startswith(f"{ORG}/workspaces/wrkspc_")
    assert {p for p in paths if p != members[0]} == {
        f"{ORG}/me",
        f"{ORG}/users",
        f"{ORG}/invites",
        f"{ORG}/workspaces",
        f"{ORG}/api_keys",
        f"{ORG}/usage_report/claude_code",
        f"{ORG}/usage_report/messages",
        f"{ORG}/cost_report",
        f"{ORG}/analytics/cost",
        f"{ORG}/analytics/usage",
        f"{ORG}/service_accounts",
        f"{ORG}/rate_limits",
        # Claude Enterprise: one engagement endpoint answers for its family (404 here), no
        # group is listed, so no members are asked for
        f"{ORG}/analytics/users",
        f"{ORG}/rbac_groups",
        f"{ORG}/spend_limits/effective",
    }


def default_workspace_keys(org: Any) -> int:
    """Keys of the Default workspace, by the emulator's own record of each key's scope."""
    default = org.default_workspace["id"]
    return sum(1 for key in org.api_keys if (key.get("scope") or {}).get("workspace_id") == default)


def test_default_workspace_keys_are_reported(emu: Any) -> None:
    expected = default_workspace_keys(emu.org)
    assert expected > 0  # the synthetic org has keys in the Default workspace
    result = run_check(emu)
    total = len(emu.org.api_keys)
    assert fact(result, "Default workspace") == (
        f"keys exist: {expected} of the {total} API keys read"
    )


def test_wrong_key_is_rejected_without_echoing_it(emu: Any) -> None:
    wrong = "sk-ant-admin01-not-the-right-key-7c1e9a4b2d"
    uri = f"anthropic://?api_key={wrong}&base_url={emu.base_url}"
    result = run_cli("check", "--source-uri", uri)
    assert result.code == 3
    assert_no_secret(wrong, result.stdout, result.stderr)
    assert set(access(result).values()) == {"not available: the key was rejected (401)"}
    assert "rejected (401)" in fact(result, "key")
    assert "sk-ant-admin..." in fact(result, "key")
    assert "not scoped to a workspace" in fact(result, "key")
    assert result.stderr.startswith("error: the Admin API rejected the key (401)")
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(emu.requests()) == 1  # nothing more is asked once the key is rejected


@pytest.mark.parametrize(
    ("path", "status", "tables", "why"),
    [
        (
            f"{ORG}/cost_report",
            403,
            ["cost_report"],
            "permission denied (403): the key lacks it, or the plan does not include it",
        ),
        (
            f"{ORG}/usage_report/claude_code",
            404,
            ["claude_code_usage", "claude_code_usage_by_model"],
            "not offered to this organization (404)",
        ),
        (f"{ORG}/users", 403, ["users"], "permission denied (403)"),
        (
            f"{ORG}/usage_report/messages",
            400,
            ["usage_report"],
            f"the Admin API refused the request to {ORG}/usage_report/messages (400)",
        ),
    ],
)
def test_a_table_the_key_cannot_read(
    emu: Any, path: str, status: int, tables: list[str], why: str
) -> None:
    emu.script(path, [{"kind": "status", "status": status}])
    result = run_check(emu)
    assert result.code == 3, result.output
    verdicts = access(result)
    for name in tables:
        assert verdicts[name].startswith(f"not available: {why}"), verdicts[name]
    others = (n for n in TABLES if n not in tables and n not in ENTERPRISE)
    assert all(verdicts[n] == "readable" for n in others)
    summary = result.stderr.strip()
    assert len(summary.splitlines()) == 1
    missing = [n for n in ORIGINAL if n in tables]
    assert summary.startswith(f"error: {len(missing)} of the 9 tables"), summary
    assert ", ".join(missing) in summary
    assert fact(result, "key") == "accepted"


def test_reports_refused_means_not_confirmed_console(emu: Any) -> None:
    emu.script(f"{ORG}/usage_report/messages", [{"kind": "status", "status": 404}])
    result = run_check(emu)
    assert result.code == 3
    assert fact(result, "kind").startswith("not confirmed as a Console organization")


def test_members_need_the_workspace_list(emu: Any) -> None:
    emu.script(f"{ORG}/workspaces", [{"kind": "status", "status": 403}])
    result = run_check(emu)
    assert result.code == 3
    verdicts = access(result)
    assert verdicts["workspaces"].startswith("not available: permission denied (403)")
    assert verdicts["workspace_members"].startswith(
        "not available: no workspace could be listed to ask about: permission denied (403)"
    )
    # Keys of this shape still name their workspace, so the Default workspace is still known.
    assert fact(result, "Default workspace").startswith("keys exist")
    assert not any(entry["path"].endswith("/members") for entry in emu.requests())


def test_retries_are_few_and_reported(emu: Any) -> None:
    emu.script(f"{ORG}/invites", [{"kind": "status", "status": 503, "count": 5}])
    result = run_check(emu, retry_backoff_seconds=0.01)
    assert result.code == 3
    assert sum(1 for e in emu.requests() if e["path"] == f"{ORG}/invites") == 3
    assert access(result)["invites"].startswith("not available: the Admin API failed")
    assert fact(result, "requests").startswith("18 sent, 2 retried")


@pytest.mark.parametrize(
    ("fault", "said"),
    [
        ({}, "none with retry-after, so the client chose its own waits"),
        ({"retry_after": "0"}, "all with retry-after"),
    ],
)
def test_rate_limiting_seen_is_reported(emu: Any, fault: dict[str, str], said: str) -> None:
    emu.script(f"{ORG}/users", [{"kind": "status", "status": 429, **fault}])
    result = run_check(emu, retry_backoff_seconds=0.01)
    assert result.code == 0, result.output
    assert fact(result, "requests") == f"17 sent, 1 retried; 1 answered 429 ({said})"


def test_a_bad_source_uri_is_a_usage_error() -> None:
    result = run_cli("check", "--source-uri", "anthropic://?api_key=sk-ant-admin01-x&nope=1")
    assert result.code == 2
    assert "unknown source URI option(s) 'nope'" in result.stderr


def test_help_has_an_example() -> None:
    result = run_cli("check", "--help")
    assert result.code == 0
    assert 'anthropic-ingest check --source-uri "anthropic://?api_key=' in result.stdout


@pytest.fixture(scope="module", params=["newest", "august"])
def shaped(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An emulator serving API keys in another shape: without `workspace_id` (the newest SDK
    types), or as the 2026-08-22 reference showed them (no `scope`)."""
    config = EmulatorConfig(
        seed=11, users=14, start_date=DATA_START, end_date=DATA_END, api_keys_shape=request.param
    )
    with running_emulator(config) as emu:
        yield emu


def test_other_api_key_shapes(shaped: Any) -> None:
    shaped.reset()
    result = run_check(shaped)
    assert result.code == 0, result.output
    seen = access(result)
    assert all(seen[name] == "readable" for name in TABLES if name not in ENTERPRISE)
    keys = shaped.org.api_keys
    if shaped.config.api_keys_shape == "newest":
        # The Default workspace is found from the scope: a workspace that is never listed.
        expected = default_workspace_keys(shaped.org)
    else:
        # No scope: a null workspace_id is all there is (organization-wide keys look alike).
        expected = sum(1 for key in keys if key["workspace_id"] is None)
    assert fact(result, "Default workspace") == (
        f"keys exist: {expected} of the {len(keys)} API keys read"
    )


@pytest.mark.parametrize("shaped", ["newest"], indirect=True)
def test_newest_shape_needs_the_workspaces_to_tell(shaped: Any) -> None:
    shaped.reset()
    shaped.script(f"{ORG}/workspaces", [{"kind": "status", "status": 403}])
    result = run_check(shaped)
    assert result.code == 3
    assert fact(result, "Default workspace").startswith(
        "unknown: the workspaces could not all be listed to tell"
    )


@pytest.mark.parametrize(
    ("level", "why"),
    [
        ("forbidden", "permission denied (403): the key lacks it, or the plan does not include it"),
        ("not_found", "not offered to this organization (404)"),
    ],
)
def test_optional_tables_unavailable_still_exit_zero(level: str, why: str) -> None:
    config = EmulatorConfig(
        seed=11,
        users=14,
        start_date=DATA_START,
        end_date=DATA_END,
        analytics_access=level,
        service_accounts_access=level,
        rate_limits_access=level,
    )
    optional = ("analytics_cost", "analytics_usage", "service_accounts", "rate_limits")
    with running_emulator(config) as emu:
        result = run_check(emu)
        sent = {entry["path"]: entry for entry in emu.requests()}
    assert result.code == 0, result.output
    verdicts = access(result)
    assert {name: verdicts[name] for name in optional} == dict.fromkeys(
        optional, f"not available: {why}"
    )
    assert all(verdicts[name] == "readable" for name in ORIGINAL)
    assert f"{ORG}/analytics/cost" in sent
