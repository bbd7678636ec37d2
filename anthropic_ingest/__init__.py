"""anthropic-ingest: copy Anthropic Admin API data into the database you already have."""

from __future__ import annotations

import os

# The tool talks to the Admin API and the destination only: dlt's anonymous telemetry stays
# off unless the user turns it on explicitly.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
# Arrow's default allocator (mimalloc) keeps freed memory cached per thread. The loader builds
# Arrow data on up to 16 fetch threads: a 90-day backfill of a large organization peaked at
# about 600 MB with it and 375 MB with the system allocator, at the same speed. Read when
# pyarrow is first imported; a value the user set is kept.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
# dlt's extract step waits one poll interval (10 ms by default) each time it finds no work
# ready, including once at the end of every extraction: about 40 ms of a one-day run. At 5 ms
# those waits take 35 ms less, for under 2% more of one core while a long run waits on the
# API. A value the user set is kept.
os.environ.setdefault("EXTRACT__FUTURES_POLL_INTERVAL", "0.005")

__version__ = "0.1.0"
