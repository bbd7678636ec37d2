"""The client's pace after errors, over real HTTP to the emulator: a server error costs only
its own request a wait; a 429 pauses the whole client, for its retry-after or a wait of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from anthropic_ingest.client import AdminClient, ClientSettings

ME = "/v1/organizations/me"


def client(emu: Any, **settings: Any) -> AdminClient:
    options = {"concurrency": 8, "max_concurrency": 16, "backoff_base": 0.01, **settings}
    return AdminClient(ClientSettings(api_key=emu.admin_key, base_url=emu.base_url, **options))


def logged_at(entry: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(entry["time"])


def test_server_errors_leave_the_pace_alone(emu: Any) -> None:
    emu.script(ME, [{"kind": "status", "status": s} for s in (500, 502, 503, 504, 529)])
    with client(emu) as api:
        assert api.get(ME)["type"] == "organization"
        limiter = api.limiter
        assert api.stats.retries == 5
        assert limiter.concurrency == 9  # 8, plus one for the clean answer; never halved
        assert limiter.requests_per_minute is None  # no rate learned from a 5xx
        assert limiter.paused_until == 0.0  # and nobody else was made to wait
    assert [e["status"] for e in emu.requests()] == [500, 502, 503, 504, 529, 200]


def test_a_429_without_retry_after_pauses_the_client(emu: Any) -> None:
    emu.script(ME, [{"kind": "status", "status": 429}])
    with client(emu) as api:
        assert api.get(ME)["type"] == "organization"
        assert api.stats.rate_limited == 1
        assert api.limiter.paused_until > 0.0  # a pause every request of the run waits out
        assert api.limiter.concurrency == 4  # halved, then a fraction more for the answer
    assert [e["status"] for e in emu.requests()] == [429, 200]


def test_a_429_with_retry_after_is_waited_out(emu: Any) -> None:
    emu.script(ME, [{"kind": "status", "status": 429, "retry_after": "1"}])
    with client(emu) as api:
        assert api.get(ME)["type"] == "organization"
    refused, answered = emu.requests()
    assert (refused["status"], answered["status"]) == (429, 200)
    # The retry went out no sooner than the second the API asked for (log times are to the ms).
    assert (logged_at(answered) - logged_at(refused)).total_seconds() >= 0.99
