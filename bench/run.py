"""`make bench`: run every benchmark and write bench/RESULTS.md sections from their output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    "register_bench.py",
    "linkage_bench.py",
    "verify_bench.py",
    "allocation_bench.py",
    "dashboard_bench.py",
]


def main() -> None:
    for name in SCRIPTS:
        path = HERE / name
        if not path.exists():
            continue
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, str(path)], check=True)


if __name__ == "__main__":
    main()
