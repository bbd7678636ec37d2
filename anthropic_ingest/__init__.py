"""anthropic-ingest: copy Anthropic Admin API data into the database you already have."""

from __future__ import annotations

import os

# The tool talks to the Admin API and the destination only: dlt's anonymous telemetry stays
# off unless the user turns it on explicitly.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

__version__ = "0.1.0"
