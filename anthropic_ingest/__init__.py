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

__version__ = "0.1.0"
