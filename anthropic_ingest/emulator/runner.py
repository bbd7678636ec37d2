"""Starting and stopping an emulator in this process, and the handle tests drive it with."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from anthropic_ingest.emulator.app import EmulatorApp
from anthropic_ingest.emulator.config import EmulatorConfig
from anthropic_ingest.emulator.faults import expand
from anthropic_ingest.emulator.org import SyntheticOrg
from anthropic_ingest.emulator.server import EmulatorHTTPServer


class Emulator:
    """A running emulator: where it listens, its key, its org, and its controls."""

    def __init__(self, app: EmulatorApp, server: EmulatorHTTPServer) -> None:
        self._app = app
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        host, port = server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self.port = int(port)

    @property
    def admin_key(self) -> str:
        """The Admin API key the emulator accepts."""
        return self._app.config.admin_key

    @property
    def analytics_key(self) -> str:
        """The Enterprise Analytics key (accepted only when `org_type` is "enterprise")."""
        return self._app.config.analytics_key

    @property
    def config(self) -> EmulatorConfig:
        """The current settings (changed by `reseed` and `configure`)."""
        return self._app.config

    @property
    def org(self) -> SyntheticOrg:
        """The synthetic org being served."""
        return self._app.org

    def script(
        self, path: str, responses: Sequence[Mapping[str, Any]], *, prefix: bool = False
    ) -> None:
        """Queue faults for the next calls to `path` (or to any path under it, if `prefix`)."""
        self._app.scripts.add(path, expand(list(responses)), prefix=prefix)

    def pending_scripts(self) -> list[dict[str, Any]]:
        """Faults still queued."""
        return self._app.scripts.pending()

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first."""
        return self._app.log.entries()

    def clear_requests(self) -> None:
        """Empty the request log."""
        self._app.log.clear()

    def reset(self) -> None:
        """Forget scripts, the request log and the rate window."""
        self._app.reset()

    def reseed(self, seed: int, users: int | None = None) -> None:
        """Serve a new synthetic org from `seed` (and `users`), then reset."""
        self._app.reseed(seed, users)

    def configure(self, **settings: Any) -> None:
        """Change any of app.RUNTIME_SETTINGS (`latency_ms`, `rate_limit_rpm`, …) while running."""
        self._app.configure(**settings)

    def start(self) -> Emulator:
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and cut open connections."""
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_emulator(config: EmulatorConfig | None = None) -> Emulator:
    """Start an emulator on a background thread (port 0 picks a free port); close() it."""
    config = config or EmulatorConfig()
    app = EmulatorApp(config)
    server = EmulatorHTTPServer((config.host, config.port), app)
    return Emulator(app, server).start()


@contextmanager
def running_emulator(config: EmulatorConfig | None = None) -> Iterator[Emulator]:
    """`with running_emulator(EmulatorConfig(...)) as emu:` - serve for the block's duration."""
    emulator = start_emulator(config)
    try:
        yield emulator
    finally:
        emulator.close()


def serve(config: EmulatorConfig, ready: Callable[[Emulator], None] | None = None) -> None:
    """Serve in the foreground until Ctrl-C (or SIGTERM); `ready` is called once listening."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with running_emulator(config) as emulator:
        if ready is not None:
            ready(emulator)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            return
