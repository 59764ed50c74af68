"""Shared helpers of the benchmarks: the machine, fresh databases, timed commands."""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"model name\s*:\s*(.+)", text).group(1).strip()
    except (OSError, AttributeError):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def berdaya(
    args: list[str], env: dict[str, str], *, check: bool = True
) -> tuple[float, float, str]:
    """Run `berdaya ARGS`; return wall seconds, peak RSS of that process in MB, its output."""
    marker = "BERDAYA_PEAK_KB="
    start = time.perf_counter()
    # GNU time reports the command's own peak (getrusage of children would be the largest
    # child so far, not this one).
    timer = ["/usr/bin/time", "-f", marker + "%M"] if os.path.exists("/usr/bin/time") else []
    done = subprocess.run(
        [*timer, PYTHON, "-m", "berdaya", *args],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    if check and done.returncode != 0:
        raise SystemExit(f"berdaya {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    peak_kb = 0
    lines = []
    for line in done.stderr.splitlines():
        if line.startswith(marker):
            peak_kb = int(line[len(marker) :])
        else:
            lines.append(line)
    return wall, peak_kb / 1024, done.stdout + "\n".join(lines)
