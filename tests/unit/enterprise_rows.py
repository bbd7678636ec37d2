"""Hand-written Claude Enterprise records, following the field tables of
../shared/api-changes-2026-11.md section 5.1 (and section 7 for spend limits) and the official
RBAC examples. Per-day records carry the `date` the fetcher stamps on them (the day asked
for); numbers that are not integers are Decimals, as the client decodes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

Record = dict[str, Any]


def _tools(**counts: tuple[int, int]) -> Record:
    return {name: {"accepted": a, "rejected": r} for name, (a, r) in counts.items()}


USER_ACTIVITY: Record = {
    "date": "2026-11-20",
    "user": {"id": "user_01Abc", "email_address": "ana@example.com", "type": "user"},
    "chat_metrics": {
        "message_count": 42,
        "distinct_conversation_count": 7,
        "connectors_used_count": 3,
        "thinking_message_count": 5,
    },
    "claude_code_metrics": {
        "core_metrics": {
            "commit_count": 4,
            "pull_request_count": 1,
            "lines_of_code": {"added": 120, "removed": 30},
            "distinct_session_count": 6,
            "artifacts_created_count": 0,
        },
        "tool_actions": _tools(edit_tool=(10, 2), write_tool=(3, 0)),
    },
    "cowork_metrics": {"message_count": 2, "action_count": 9},
    "design_metrics": {"distinct_session_count": 1},
    "office_metrics": {"excel": {"message_count": 1}},
    "science_metrics": {"message_count": 0},
    "web_search_count": 11,
    "last_activity_date": "2026-11-20",
}

SUMMARY: Record = {
    "starting_at": "2026-11-20T00:00:00Z",
    "ending_at": "2026-11-21T00:00:00Z",
    "daily_active_user_count": 18,
    "weekly_active_user_count": 22,
    "monthly_active_user_count": 25,
    "cowork_daily_active_user_count": 3,
    "cowork_weekly_active_user_count": 5,
    "cowork_monthly_active_user_count": 8,
    "daily_adoption_rate": Decimal("72.5"),
    "weekly_adoption_rate": Decimal("88"),
    "monthly_adoption_rate": 100,
    "assigned_seat_count": 25,
    "pending_invite_count": 2,
    "chat_daily_active_user_count": 15,
    "science_entitled_user_count": 4,
}

SKILL: Record = {
    "date": "2026-11-20",
    "skill_name": "pdf",
    "skill_display_name": None,
    "distinct_user_count": 6,
    "invocation_count": 14,
    "enable_count": 2,
    "share_status": "organization",
    "estimated_overage_spend": "1250.125",
    "attributed_list_price": "4310.5",
    "currency": "USD",
    "chat_metrics": {"distinct_conversation_count": 3},
    "claude_code_metrics": {"distinct_session_count": 2},
    "cowork_metrics": {"distinct_session_count": 0},
    "office_metrics": {"excel": {"distinct_session_count": 0}},
}

CONNECTOR: Record = {
    "date": "2026-11-20",
    "connector_name": "github",
    "connector_display_name": None,
    "distinct_user_count": 9,
    "individual_auth_distinct_user_count": 7,
    "managed_auth_distinct_user_count": 2,
    "read_call_count": 40,
    "write_call_count": 3,
    "unclassified_call_count": 1,
    "chat_metrics": {"distinct_conversation_count": 5},
    "claude_code_metrics": {"distinct_session_count": 4},
    "cowork_metrics": {"distinct_session_count": 0},
    "office_metrics": {"word": {"distinct_session_count": 0}},
}

PLUGIN: Record = {
    "date": "2026-11-20",
    "plugin_name": "serena",
    "plugin_id": "serena@claude-plugins-official",
    "install_count": 1,
    "invocation_count": 12,
    "distinct_user_count": 3,
    "claude_code_metrics": {"distinct_session_count": 5},
    "cowork_metrics": {"distinct_session_count": 0},
}

PROJECT: Record = {
    "date": "2026-11-20",
    "project_id": "claude_proj_01Xyz",
    "project_name": "Launch plan",
    "distinct_user_count": 4,
    "message_count": 33,
    "distinct_conversation_count": 6,
    "created_at": "2026-10-01T09:30:00Z",
    "created_by": {"id": "user_01Abc", "email_address": "ana@example.com", "type": "user"},
}

ARTIFACT: Record = {
    "date": "2026-11-20",
    "artifact_type": "text/markdown",
    "is_shared": True,
    "artifacts_created_count": 5,
    "published_artifacts_created_count": 1,
    "distinct_user_count": 3,
}

RBAC_GROUP: Record = {
    "id": "rbac_group_012rppKaSVsmTo6NqRDXQXNF",
    "created_at": "2024-10-30T23:58:27.427722Z",
    "name": "Engineering",
    "roles": ["rbac_role_016J8xVtKpDq3Wy9ZmN2hR4s"],
    "source_type": "direct",
    "type": "rbac_group",
    "updated_at": "2024-10-30T23:58:27.427722Z",
}

RBAC_MEMBER: Record = {
    "created_at": "2024-10-30T23:58:27.427722Z",
    "email": "user@emaildomain.com",
    "group_id": "rbac_group_012rppKaSVsmTo6NqRDXQXNF",
    "type": "rbac_group_member",
    "user_id": "user_01WCz1FkmYMm4gnmykNKUu3Q",
}

SPEND_LIMIT: Record = {
    "actor": {
        "type": "user_actor",
        "user_id": "user_01Abc",
        "email_address": "ana@example.com",
        "name": "Ana",
        "deleted": False,
    },
    "amount": "50000",
    "currency": "USD",
    "period": "monthly",
    "period_to_date_spend": "1234.567",
    "scope": {"type": "user", "user_id": "user_01Abc"},
    "source": {"type": "seat_tier", "seat_tier": "premium"},
}

ENTERPRISE_EXAMPLES: dict[str, list[Record]] = {
    "enterprise_user_activity": [USER_ACTIVITY],
    "enterprise_summaries": [SUMMARY],
    "enterprise_skills": [SKILL],
    "enterprise_connectors": [CONNECTOR],
    "enterprise_plugins": [PLUGIN],
    "enterprise_projects": [PROJECT],
    "enterprise_artifacts": [ARTIFACT],
    "rbac_groups": [RBAC_GROUP],
    "rbac_group_members": [RBAC_MEMBER],
    "spend_limits_effective": [SPEND_LIMIT],
}
