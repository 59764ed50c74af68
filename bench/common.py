"""Shared helpers of the benchmarks: the machine, fresh databases, timed commands."""

from __future__ import annotations

import os
import platform
import re
import resource
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
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as con:
        con.execute(f"DROP DATABASE IF EXISTS {name}")
        con.execute(f"CREATE DATABASE {name}")
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def berdaya(args: list[str], env: dict[str, str], *, check: bool = True) -> tuple[float, float,
                                                                                   str]:
    """Run `berdaya ARGS`; return wall seconds, peak RSS of the child in MB, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([PYTHON, "-m", "berdaya", *args], env={**os.environ, **env},
                          cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if check and done.returncode != 0:
        raise SystemExit(f"berdaya {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    # ru_maxrss of children is the largest child so far: report it only when it grew.
    return wall, max(peak, before) / 1024, done.stdout + done.stderr
