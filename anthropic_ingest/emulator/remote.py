"""An emulator in a child process, driven over its `/_emulator` control routes.

Benchmarks use it so that the emulator and the code under test do not share one
interpreter lock. The handle offers the same controls as the in-process `Emulator`; its
`org` is rebuilt locally from the same settings, which yields the same data.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import httpx

from anthropic_ingest.emulator.config import EmulatorConfig
from anthropic_ingest.emulator.org import SyntheticOrg

_STARTUP_SECONDS = 60.0


class RemoteEmulator:
    """Controls of an emulator reached over HTTP."""

    def __init__(self, base_url: str, config: EmulatorConfig) -> None:
        self.base_url = base_url
        self.config = config
        self._http = httpx.Client(base_url=base_url, timeout=30.0)
        self._org: SyntheticOrg | None = None

    @property
    def admin_key(self) -> str:
        return self.config.admin_key

    @property
    def analytics_key(self) -> str:
        return self.config.analytics_key

    @property
    def org(self) -> SyntheticOrg:
        if self._org is None:
            self._org = SyntheticOrg.from_config(self.config)
        return self._org

    def _call(self, method: str, route: str, body: Any = None) -> Any:
        response = self._http.request(method, f"/_emulator/{route}", json=body)
        response.raise_for_status()
        return response.json()

    def script(
        self, path: str, responses: Sequence[Mapping[str, Any]], *, prefix: bool = False
    ) -> None:
        body = {"path": path, "responses": list(responses), "prefix": prefix}
        self._call("POST", "scripts", body)

    def pending_scripts(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "scripts")["data"])

    def requests(self) -> list[dict[str, Any]]:
        return list(self._call("GET", "requests")["data"])

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    def reset(self) -> None:
        self._call("POST", "reset")

    def reseed(self, seed: int, users: int | None = None) -> None:
        self._call("POST", "reseed", {"seed": seed, "users": users})
        self.config = self.config.with_changes(seed=seed, users=users or self.config.users)
        self._org = None

    def configure(self, **settings: Any) -> None:
        self._call("POST", "settings", settings)
        self.config = self.config.with_changes(**settings)
        if self._org is not None and "api_keys_shape" in settings:
            self._org = self._org.with_api_keys_shape(self.config.api_keys_shape)

    def close(self) -> None:
        self._http.close()


def _command(config: EmulatorConfig) -> list[str]:
    start, end = config.data_range()
    command = [sys.executable, "-m", "anthropic_ingest", "emulator"]
    command += ["--host", config.host, "--port", str(config.port), "--seed", str(config.seed)]
    command += ["--users", str(config.users), "--start-date", str(start), "--end-date", str(end)]
    command += ["--latency-ms", str(config.latency_ms), "--fault-rate", str(config.fault_rate)]
    command += ["--admin-key", config.admin_key, "--api-keys-shape", config.api_keys_shape]
    if not config.rate_limit_retry_after:
        command.append("--no-retry-after")
    command += ["--analytics-access", config.analytics_access]
    command += ["--analytics-actor-shape", config.analytics_actor_shape]
    command += ["--service-accounts-access", config.service_accounts_access]
    command += ["--rate-limits-access", config.rate_limits_access]
    command += ["--rate-limits-shape", config.rate_limits_shape]
    if config.stale_cursor_every is not None:
        command += ["--stale-cursor-every", str(config.stale_cursor_every)]
    if config.rate_limit_rpm is not None:
        command += ["--rate-limit-rpm", str(config.rate_limit_rpm)]
    command += ["--org-type", config.org_type, "--analytics-key", config.analytics_key]
    rpm = config.enterprise_rate_limit_rpm
    command += ["--enterprise-rate-limit-rpm", "0" if rpm is None else str(rpm)]
    return command


def _wait_for_base_url(process: subprocess.Popen[str]) -> str:
    found: list[str] = []

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("base URL:"):
                found.append(line.split(":", 1)[1].strip())
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(_STARTUP_SECONDS)
    if not found:
        process.kill()
        raise RuntimeError("the emulator process did not report its base URL")
    return found[0]


@contextmanager
def spawned_emulator(config: EmulatorConfig | None = None) -> Iterator[RemoteEmulator]:
    """Run `anthropic-ingest emulator` in a child process for the block's duration."""
    config = config or EmulatorConfig()
    process = subprocess.Popen(
        _command(config), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        remote = RemoteEmulator(_wait_for_base_url(process), config)
        try:
            yield remote
        finally:
            remote.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
