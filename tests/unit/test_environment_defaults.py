"""What importing anthropic_ingest sets for dlt and Arrow, and that a user's own value wins.

Each case runs in a fresh interpreter: the settings are read from the environment at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

DEFAULTS = {
    "RUNTIME__DLTHUB_TELEMETRY": "false",  # nothing is sent anywhere but the API and the destination
    "ARROW_DEFAULT_MEMORY_POOL": "system",
    "EXTRACT__FUTURES_POLL_INTERVAL": "0.005",
}

# What dlt itself resolves after the import: its telemetry switch and the extract step's poll
# interval (a renamed setting would be ignored without a word).
PROBE = """
import json, os, sys
import anthropic_ingest
from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.specs import RuntimeConfiguration
from dlt.extract.pipe_iterator import PipeIterator
runtime = resolve_configuration(RuntimeConfiguration())
extract = resolve_configuration(PipeIterator.PipeIteratorConfiguration())
print(json.dumps({
    "env": {name: os.environ.get(name) for name in sys.argv[1:]},
    "telemetry": runtime.dlthub_telemetry,
    "poll": extract.futures_poll_interval,
}))
"""


def probe(**env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if k not in DEFAULTS}
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *DEFAULTS],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_the_defaults_reach_dlt() -> None:
    result = probe()
    assert result["env"] == DEFAULTS
    assert result["telemetry"] is False
    assert result["poll"] == pytest.approx(0.005)


def test_a_users_own_settings_are_kept() -> None:
    mine = {
        "RUNTIME__DLTHUB_TELEMETRY": "true",
        "ARROW_DEFAULT_MEMORY_POOL": "mimalloc",
        "EXTRACT__FUTURES_POLL_INTERVAL": "0.02",
    }
    result = probe(**mine)
    assert result["env"] == mine
    assert result["telemetry"] is True
    assert result["poll"] == pytest.approx(0.02)
