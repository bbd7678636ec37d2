"""The Claude Enterprise side of the synthetic org: RBAC groups, catalogs and user traits.

Everything derives from the same directory as the Admin endpoints, so a group member, an
activity row's user or a spend limit's actor is always a user of `/users`. Built once per
(seed, user count); the per-day activity lives in `engagement.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from anthropic_ingest.emulator.directory import Directory, Person
from anthropic_ingest.emulator.hashing import Hasher
from anthropic_ingest.emulator.timeutil import format_micro, parse_rfc3339

Record = dict[str, Any]
GROUP_NAMES = ("Engineering", "Data Science", "Sales & Success", "Support", "Leadership")
PROJECT_NAMES = (
    "Q4 planning",
    "Customer FAQ",
    "Onboarding handbook",
    "Research digest",
    "Release notes",
    "Sales playbook",
    "Incident reviews",
    "Hiring loop",
)
# (name, display name, share status, overage cents per invocation or None)
SKILLS = (
    ("pdf", "PDF", "organization", None),
    ("docx", "Word documents", "organization", None),
    ("xlsx", "Spreadsheets", "organization", "0.4"),
    ("brand-guidelines", "Brand guidelines", "shared", None),
    ("quarterly-report", "Quarterly report", "private", "1.25"),
)
CONNECTORS = (
    ("google_drive", "Google Drive"),
    ("slack", "Slack"),
    ("github", "GitHub"),
    ("jira", "Jira"),
    ("notion", "Notion"),
)
PLUGINS = (("code-review", "plg_code_review"), ("sql-helper", "plg_sql_helper"))
PLUGIN_PRODUCTS = ("cowork", "claude_code")
ARTIFACT_TYPES = ("text/html", "application/vnd.ant.react", "image/svg+xml", "text/markdown")
# Surfaces a user can work in besides chat and Claude Code, and how common each is.
SURFACES = {"cowork": 0.35, "design": 0.12, "office": 0.25, "science": 0.06}


@dataclass(frozen=True)
class Member:
    """A user's Enterprise traits: which surfaces, projects, skills, connectors they use."""

    person: Person
    dormant: bool  # never active: idle for far more than 30 days
    surfaces: frozenset[str]
    projects: tuple[str, ...]  # project IDs
    skills: tuple[int, ...]  # indexes into SKILLS
    connectors: tuple[int, ...]
    plugins: tuple[int, ...]
    daily_limit: bool  # also has a daily spend limit

    @property
    def user_id(self) -> str:
        return str(self.person.record["id"])

    @property
    def email(self) -> str:
        return str(self.person.record["email"])


def _dormant(h: Hasher, person: Person) -> bool:
    """Billing users never use Claude; some other non-developers have stopped using it."""
    if person.record["role"] == "billing":
        return True
    return not person.claude_code and h.unit("ent-dormant", person.record["id"]) < 0.5


def _member(h: Hasher, person: Person, project_ids: list[str]) -> Member:
    uid = person.record["id"]
    rng = h.rng("ent-traits", uid)
    surfaces = frozenset(s for s, share in SURFACES.items() if rng.random() < share)
    projects = tuple(rng.sample(project_ids, k=rng.randrange(3)))
    skills = tuple(sorted(rng.sample(range(len(SKILLS)), k=rng.randrange(4))))
    connectors = tuple(sorted(rng.sample(range(len(CONNECTORS)), k=rng.randrange(4))))
    plugins: tuple[int, ...] = ()
    if person.claude_code or "cowork" in surfaces:
        plugins = tuple(sorted(rng.sample(range(len(PLUGINS)), k=rng.randrange(3))))
    daily = rng.random() < 0.3
    return Member(
        person, _dormant(h, person), surfaces, projects, skills, connectors, plugins, daily
    )


class Enterprise:
    """RBAC groups with their members, the project catalog and every member's traits."""

    def __init__(self, h: Hasher, directory: Directory) -> None:
        self.organization_id = h.tagged_id("org", "enterprise")
        people = directory.people  # newest first, the /users order
        self.projects = _projects(h, people)
        project_ids = [p["project_id"] for p in self.projects]
        self.members = tuple(_member(h, p, project_ids) for p in people)
        self.by_id = {m.user_id: m for m in self.members}
        self.groups = _groups(h, directory)
        self.group_members = _group_members(h, directory, self.groups)
        self.groups_of: dict[str, tuple[str, ...]] = {}
        for group in self.groups:
            for row in self.group_members[group["id"]]:
                prior = self.groups_of.get(row["user_id"], ())
                self.groups_of[row["user_id"]] = (*prior, group["id"])
        self.group_names = {g["id"]: g["name"] for g in self.groups}


def _projects(h: Hasher, people: tuple[Person, ...]) -> list[Record]:
    count = min(len(PROJECT_NAMES), 3 + len(people) // 10)
    out = []
    for i in range(count):
        creator = people[h.below(len(people), "project-creator", i)]
        created = creator.added + timedelta(days=20 + h.below(300, "project-created", i))
        out.append(
            {
                "project_id": h.tagged_id("claude_proj", i),
                "project_name": PROJECT_NAMES[i],
                "created_at": format_micro(created),
                "created_by": {"type": "user", "id": creator.record["id"]},
            }
        )
    return out


def _groups(h: Hasher, directory: Directory) -> list[Record]:
    """Named groups, then any group an invite refers to (so invites point at real groups)."""
    count = min(len(GROUP_NAMES), 2 + len(directory.people) // 8)
    ids = [h.tagged_id("rbac_group", "named", j) for j in range(count)]
    for invite in directory.invites:
        ids.extend(g for g in invite["rbac_group_ids"] if g not in ids)
    groups = []
    for j, group_id in enumerate(ids):
        created = directory.people[-1].added + timedelta(days=3 + h.below(200, "group-at", j))
        updated = created + timedelta(days=h.below(120, "group-upd", j), minutes=11)
        groups.append(
            {
                "type": "rbac_group",
                "id": group_id,
                "name": GROUP_NAMES[j] if j < len(GROUP_NAMES) else f"Invited team {j:02d}",
                "roles": [h.tagged_id("rbac_role", "group", j)],
                "source_type": "scim" if j % 3 == 2 else "direct",
                "created_at": format_micro(created),
                "updated_at": format_micro(updated),
            }
        )
    return groups


def _group_members(
    h: Hasher, directory: Directory, groups: list[Record]
) -> dict[str, tuple[Record, ...]]:
    """Each user in 0-2 named groups; an accepted invite's user in the invite's groups."""
    named = [g for g in groups if not g["name"].startswith("Invited team")] or groups
    chosen: dict[str, set[str]] = {g["id"]: set() for g in groups}
    for person in directory.people:
        uid = person.record["id"]
        rng = h.rng("group-membership", uid)
        for group in rng.sample(named, k=min(len(named), rng.choice((0, 1, 1, 1, 2)))):
            chosen[group["id"]].add(uid)
    by_email = {p.record["email"]: p.record["id"] for p in directory.people}
    for invite in directory.invites:
        if invite["status"] == "accepted" and invite["email"] in by_email:
            for group_id in invite["rbac_group_ids"]:
                chosen[group_id].add(by_email[invite["email"]])
    members: dict[str, tuple[Record, ...]] = {}
    for group in groups:
        rows = []
        for person in directory.people:  # the /users order
            if person.record["id"] in chosen[group["id"]]:
                joined = max(person.added, parse_rfc3339(group["created_at"]))
                rows.append(
                    {
                        "type": "rbac_group_member",
                        "group_id": group["id"],
                        "user_id": person.record["id"],
                        "email": person.record["email"],
                        "created_at": format_micro(joined + timedelta(hours=2)),
                    }
                )
        members[group["id"]] = tuple(rows)
    return members
