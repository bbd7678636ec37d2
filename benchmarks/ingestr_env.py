"""ingestr 0.14.155 in its own virtual environment, pointed at the emulator.

0.14.155 is the last ingestr release with a Python Anthropic source. It is installed with pip
from the package index into `benchmarks/.ingestr-venv` (git-ignored) the first time it is
needed. ingestr hard-codes `https://api.anthropic.com`, so `ingestr_hook.py` is copied into
that environment with a `.pth` line that imports it at start-up: given
`INGESTR_ANTHROPIC_BASE_URL`, it rewrites that address in every request `requests` sends.
Telemetry (ingestr's and dlt's) is switched off, so nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".ingestr-venv"
VERSION = "0.14.155"
HOOK = "ingestr_hook.py"
PTH = "anthropic_ingest_benchmark_hook.pth"


def ingestr_executable() -> Path:
    """The `ingestr` command of the benchmark's environment, installing it when missing."""
    executable = VENV / "bin" / "ingestr"
    if not _installed():
        print(f"installing ingestr {VERSION} into {VENV} (once) ...", flush=True)
        if not (VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, f"ingestr=={VERSION}"], check=True)
    _install_hook()
    return executable


def _installed() -> bool:
    python = VENV / "bin" / "python"
    if not python.exists():
        return False
    probe = "import importlib.metadata as m; print(m.version('ingestr'))"
    result = subprocess.run([str(python), "-c", probe], capture_output=True, text=True)
    return result.returncode == 0 and result.stdout.strip() == VERSION


def _site_packages() -> Path:
    python = VENV / "bin" / "python"
    probe = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    out = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def _install_hook() -> None:
    site = _site_packages()
    shutil.copyfile(HERE / HOOK, site / HOOK)
    (site / PTH).write_text("import ingestr_hook\n")


def ingestr_env(base_url: str) -> Mapping[str, str]:
    """Environment for an ingestr run against the emulator at `base_url`, telemetry off."""
    env = dict(os.environ)
    env.update(
        INGESTR_ANTHROPIC_BASE_URL=base_url,
        INGESTR_DISABLE_TELEMETRY="true",
        RUNTIME__DLTHUB_TELEMETRY="false",
    )
    return env


def ingestr_command(
    admin_key: str, table: str, database: Path, interval: tuple[str, str]
) -> list[str]:
    """ingestr's own command line for one table into a DuckDB file."""
    return [
        str(ingestr_executable()),
        "ingest",
        "--source-uri",
        f"anthropic://?api_key={admin_key}",
        "--source-table",
        table,
        "--dest-uri",
        f"duckdb:///{database}",
        "--dest-table",
        f"anthropic.{table}",
        "--interval-start",
        interval[0],
        "--interval-end",
        interval[1],
        "--yes",
    ]
