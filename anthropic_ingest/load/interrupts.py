"""Ctrl-C while a round is written to the destination.

dlt stops its load step between jobs when interrupted, and a job is one table: tables already
created for this round (on a first load, every table) would then be left empty. Instead, once
a round's fetching is over (dlt's normalize and load steps), a first Ctrl-C lets the round
finish, so every table is either whole or as it was, and the run stops right after it; a
second Ctrl-C stops at once. Ctrl-C while fetching stops at once, as before: nothing has been
written then.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any

FINISHING = (
    "\nCtrl-C: finishing the load under way so that every table is whole; "
    "press Ctrl-C again to stop now\n"
)


class LoadGuard:
    """Defers the first SIGINT from the start of a round's load step to the round's end."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None
        self._intercept: bool | None = None
        self._pipeline: Any = None

    def prepare(self, pipeline: Any) -> None:
        """While fetching: dlt must not intercept Ctrl-C itself in the normalize and load
        steps that follow (it reads its setting as each step starts), or its handler would
        stop the load between tables."""
        if self._intercept is None:
            self._pipeline = pipeline
            self._intercept = bool(pipeline.runtime_config.intercept_signals)
            pipeline.runtime_config.intercept_signals = False

    def hold(self) -> None:
        """Fetching is over and writing starts: a first Ctrl-C from now on is deferred."""
        if self._previous is not None or self._intercept is None or not _can_handle_signals():
            return
        previous = signal.getsignal(signal.SIGINT)
        if previous is signal.SIG_IGN:  # Ctrl-C ignored (a background job): stays ignored
            return
        self._previous = previous
        signal.signal(signal.SIGINT, self._receive)

    def release(self) -> None:
        """The round ended (or failed): Ctrl-C and dlt's own handling are as before."""
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
        if self._intercept is not None:
            self._pipeline.runtime_config.intercept_signals = self._intercept
            self._intercept, self._pipeline = None, None

    def _receive(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        # A raw write, safe whatever the main thread was doing with the terminal; a closed
        # stderr only loses the note.
        with contextlib.suppress(OSError, ValueError):
            os.write(sys.stderr.fileno(), FINISHING.encode())


def _can_handle_signals() -> bool:
    return threading.current_thread() is threading.main_thread()
