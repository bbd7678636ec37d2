"""`sync` of every table in one run under an organization limit of 100 requests a minute.

    .venv/bin/python benchmarks/sync_at_limit.py [--users 50] [--days 92]

The emulator admits 100 requests in any sliding minute (50 ms latency) and answers 429 past
that. One `sync` loads every table of a Console organization for the last `--days` days of
2025 into a new DuckDB file, once adapting to the 429s and once with the limit stated
(`requests_per_minute=100`). The bound is the requests the limit admitted (all but the 429
answers) spread evenly at 100 a minute; the request count per table is set against the
fewest the page limits allow. Run by hand; prints the figures (also scenario 6 of run.py).
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import measure
from bench_common import (
    LIST_PAGE,
    Section,
    claude_code_minimum,
    emulator_config,
    pages,
    seconds,
    shown,
    statuses,
)
from vs_ingestr import workdir

from anthropic_ingest.emulator import SyntheticOrg, spawned_emulator

RATE = 100
LATENCY_MS = 50
ORG = "/v1/organizations"
KEY_CHECK = f"{ORG}/me"


def _minimum(org: SyntheticOrg, interval: tuple[str, str]) -> Counter[str]:
    """The fewest requests per endpoint path for the sync (2025: no analytics data; the
    engagement tables are not asked with an Admin key). The workspaces are listed once for
    their table and their members' fan-out; the RBAC groups are asked twice: a Console
    organization refuses them (404), and a refused list is not shared."""
    first, last = (date.fromisoformat(d) for d in interval)
    span = (last - first).days + 1
    workspaces = org.list_workspaces(include_archived=True)
    members = sum(pages(len(org.members(w["id"]) or ()), LIST_PAGE) for w in workspaces)
    return Counter(
        {
            f"{ORG}/me": 1,
            f"{ORG}/users": pages(len(org.list_users()), LIST_PAGE),
            f"{ORG}/invites": pages(len(org.list_invites()), LIST_PAGE),
            # one list for the table and the members' fan-out
            f"{ORG}/workspaces": pages(len(workspaces), LIST_PAGE),
            f"{ORG}/api_keys": pages(len(org.list_api_keys()), LIST_PAGE),
            f"{ORG}/workspaces/*/members": members,
            f"{ORG}/usage_report/claude_code": claude_code_minimum(org, interval)[1],
            f"{ORG}/usage_report/messages": -(-span // 31),
            f"{ORG}/cost_report": -(-span // 31),
            f"{ORG}/service_accounts": 1,
            f"{ORG}/rate_limits": 1,
            # Claude Enterprise lists: a Console organization answers 404 to the first page;
            # the groups' refusal is met by their table and by their members' fan-out
            f"{ORG}/rbac_groups": 2,
            f"{ORG}/spend_limits/effective": 1,
        }
    )


def _path(path: str) -> str:
    parts = path.split("/")
    if len(parts) == 6 and parts[3] == "workspaces" and parts[5] == "members":
        return f"{ORG}/workspaces/*/members"
    return path


def sync_at_limit(users: int, days: int, scratch: Path) -> Section:
    """Scenario 6 of run.py: both runs, against the bound and the fewest requests."""
    last = date(2025, 12, 31)
    interval = (str(last - timedelta(days=days - 1)), str(last))
    config = emulator_config(users, latency_ms=LATENCY_MS, rpm=RATE)
    print(f"{users} users, {interval[0]} .. {interval[1]}, {RATE} requests a minute")
    print(f"{'run':<34}{'wall':>9}{'bound':>9}{'/ bound':>9}{'requests':>10}{'429':>6}")
    rows, ratios, minimal, commands = [], [], True, []
    with spawned_emulator(config) as emu:
        minimum = _minimum(emu.org, interval)
        for label, options in (
            ("adaptive", ""),
            ("`requests_per_minute=100`", "&requests_per_minute=100"),
        ):
            emu.reset()
            db = scratch / f"sync-{len(options)}.duckdb"
            source = f"anthropic://?api_key={emu.admin_key}&base_url={emu.base_url}{options}"
            command = [
                *measure.OURS,
                "sync",
                "--source-uri",
                source,
                "--dest-uri",
                f"duckdb:///{db}",
            ]
            command += ["--interval-start", interval[0], "--interval-end", interval[1]]
            run = measure.run(command).check(f"sync ({label})")
            commands.append(shown(command, emu, scratch))
            log = emu.requests()
            counts = statuses(log)
            admitted = len(log) - counts[429]
            bound = admitted / RATE * 60.0
            ratios.append(run.seconds / bound)
            print(
                f"{label:<34}{seconds(run.seconds):>9}{seconds(bound):>9}"
                f"{run.seconds / bound:>9.3f}{len(log):>10}{counts[429]:>6}"
            )
            made = Counter(_path(e["path"]) for e in log if e["status"] != 429)
            over = {p: made[p] - n for p, n in minimum.items() if made[p] != n}
            extra = {p: n for p, n in made.items() if p not in minimum}
            minimal &= not over and not extra
            print(f"  against the minimum: {over or 'every endpoint at it'}; other: {extra}")
            rows.append(
                [
                    label,
                    seconds(run.seconds),
                    seconds(bound),
                    f"**{run.seconds / bound:.3f}**",
                    len(log),
                    counts[429],
                ]
            )
    section = Section(f"6. `sync` of every table at {RATE} requests a minute")
    section.add(
        f"One `sync` of every table of a Console organization ({interval[0]} .. {interval[1]}, "
        f"{users} users) into a new DuckDB file, against the emulator admitting {RATE} "
        f"requests in any sliding minute, {LATENCY_MS} ms latency. Bound: the requests the "
        f"limit admitted (all but the 429 answers) spread evenly at {RATE} a minute. The "
        "analytics tables have no data in 2025 and the engagement tables are not asked with "
        "an Admin key.",
        "",
    )
    section.table(["run", "wall time", "bound", "/ bound", "requests", "429"], rows)
    section.add(
        f"Target: within 1.05x of the bound ({'met' if max(ratios) <= 1.05 else 'missed'}: "
        f"worst {max(ratios):.3f}), with every endpoint at the fewest requests the page limits "
        f"allow ({'met' if minimal else 'missed'}, counting the RBAC groups asked twice: a "
        "Console organization refuses them, and a refused list is not shared).",
        "",
        *[f"- `{command}`" for command in commands],
        "",
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--days", type=int, default=92)
    args = parser.parse_args()
    section = sync_at_limit(args.users, args.days, workdir())
    print(f"\n## {section.title}\n")
    print("\n".join(section.lines))


if __name__ == "__main__":
    main()
