"""A tiny WebDriver client for headless Chromium: plain HTTP to chromedriver, no Selenium.

It opens a page, reports every network request the page made (from Chromium's performance
log, i.e. the DevTools Network events), the console messages, and takes screenshots.
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
HOW_TO_ENABLE = "to run this test install it: apt-get install -y chromium chromium-driver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1280,900",
]


def find_browser() -> tuple[str, str] | None:
    """Paths of Chromium and chromedriver, or None when either is missing."""
    browser = next((p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None)
    driver = next((p for n in DRIVER_NAMES if (p := shutil.which(n))), None)
    return (browser, driver) if browser and driver else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PageVisit:
    """What happened while a page loaded."""

    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


class Browser:
    """One WebDriver session."""

    def __init__(self, http: httpx.Client, session: str) -> None:
        self.http = http
        self.session = session

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, f"/session/{self.session}{path}", json=body)
        payload = response.json()
        if response.status_code != 200:
            raise RuntimeError(f"WebDriver {method} {path} failed: {payload}")
        return payload["value"]

    def open(self, url: str) -> PageVisit:
        """Load `url` and collect its requests, failed requests and console messages.

        Only requests of that page count (by their document URL): the browser's own start
        page loads chrome:// resources of its own.
        """
        self._call("POST", "/url", {"url": url})
        visit = PageVisit()
        ours: dict[str, str] = {}
        for entry in self._call("POST", "/se/log", {"type": "performance"}):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                if params.get("documentURL") == url or params["request"]["url"] == url:
                    ours[params["requestId"]] = params["request"]["url"]
                    visit.requests.append(params["request"]["url"])
            elif message["method"] == "Network.loadingFailed" and params["requestId"] in ours:
                visit.failures.append(f"{ours[params['requestId']]}: {params.get('errorText')}")
        visit.console = [
            f"{e['level']}: {e['message']}"
            for e in self._call("POST", "/se/log", {"type": "browser"})
        ]
        return visit

    def script(self, source: str) -> Any:
        return self._call("POST", "/execute/sync", {"script": source, "args": []})

    def screenshot(self, path: Path, clip_height: int | None = None) -> Path:
        """The whole page (or its top `clip_height` pixels) as PNG."""
        width, height = self.script(
            "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        clip = {"x": 0, "y": 0, "width": width, "height": clip_height or height, "scale": 1}
        shot = self._call(
            "POST",
            "/goog/cdp/execute",
            {"cmd": "Page.captureScreenshot", "params": {"captureBeyondViewport": True,
                                                          "clip": clip}},
        )  # fmt: skip
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@contextmanager
def headless_chromium(browser: str, driver: str, profile: Path) -> Iterator[Browser]:
    """Start chromedriver and one headless Chromium session; stop both afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
            _wait_ready(http)
            options = {"binary": browser, "args": [*FLAGS, f"--user-data-dir={profile}"]}
            caps = {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": {"performance": "ALL", "browser": "ALL"},
            }
            created = http.post("/session", json={"capabilities": {"alwaysMatch": caps}})
            session = created.json()["value"]["sessionId"]
            try:
                yield Browser(http, session)
            finally:
                http.delete(f"/session/{session}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _wait_ready(http: httpx.Client) -> None:
    """Poll chromedriver's status until it accepts sessions (it starts in well under 30 s)."""
    for _ in range(300):
        try:
            if http.get("/status", timeout=1).json()["value"]["ready"]:
                return
        except (httpx.HTTPError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise RuntimeError("chromedriver did not become ready")
