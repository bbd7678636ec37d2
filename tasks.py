"""Set up the project's virtual environment and run the demo or the test suite.

Usage:
    python3 tasks.py demo          # create .venv, install, run the emulator demo end to end
    python3 tasks.py test          # create .venv, install, run ruff, mypy and pytest
    python3 tasks.py reliability   # run tests/reliability and rewrite docs/reliability.md

Only Python 3.11+ and access to the package registry are needed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT)
    if result.returncode != 0:
        sys.exit(result.returncode)


def ensure_env() -> None:
    """Create .venv and install the project with its dev extras when pyproject.toml changed."""
    if sys.version_info[:2] < (3, 11):  # noqa: UP036 - this file must run on any python3
        sys.exit(f"anthropic-ingest needs Python 3.11 or newer (found {sys.version.split()[0]})")
    if not (BIN / "python").exists():
        _run(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    marker = VENV / ".installed-pyproject"
    if marker.exists() and marker.read_text() == digest:
        return
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    marker.write_text(digest)


def demo(extra: list[str]) -> None:
    _run(BIN / "anthropic-ingest", "demo", *extra)


def test(extra: list[str]) -> None:
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "mypy", "anthropic_ingest", "tests", "benchmarks", "tasks.py")
    _run(BIN / "python", "-m", "pytest", "-q", *extra)


def reliability(extra: list[str]) -> None:
    os.environ["RELIABILITY_REPORT"] = "1"
    _run(BIN / "python", "-m", "pytest", "-q", "tests/reliability", *extra)
    print("wrote docs/reliability.md")


def main() -> None:
    commands = {"demo": demo, "test": test, "reliability": reliability}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    ensure_env()
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
