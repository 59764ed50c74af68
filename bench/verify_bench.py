"""`berdaya verify` of 10,000 proposals against a 1,000,000-person register (PostgreSQL).

Target (issue 3): at most 30 s. Writes its numbers to stdout as a Markdown section.
Usage: python bench/verify_bench.py [--people 1000000] [--per-region 1000] [--seed 11]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import berdaya, fresh_postgres, machine  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--per-region", type=int, default=1200)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="berdaya-bench-") as tmp:
        out = Path(tmp) / "synth"
        env = {
            "DATABASE_URL": fresh_postgres("bench_verify"),
            "BERDAYA_VAR_DIR": tmp,
            "BERDAYA_LANG": "en",
        }
        synth_s, _, _ = berdaya(
            [
                "synth",
                "--people",
                str(args.people),
                "--seed",
                str(args.seed),
                "--out",
                str(out),
                "--proposals-per-region",
                str(args.per_region),
            ],
            env,
        )
        berdaya(["migrate", "-v0"], env)
        load_s, _, _ = berdaya(["import-register", str(out / "register.csv")], env)
        berdaya(
            [
                "import-recipients",
                str(out / "recipients_WRSE.csv"),
                "--program",
                "WRSE",
                "--year",
                "2024",
            ],
            env,
        )
        proposals = 0
        for path in sorted((out / "proposals").glob("WRSE_*.csv")):
            if len(path.read_text().splitlines()) < 2:
                continue
            region = path.stem.split("_", 1)[1]
            _, _, text = berdaya(
                [
                    "import-proposals",
                    str(path),
                    "--program",
                    "WRSE",
                    "--year",
                    "2025",
                    "--region",
                    region,
                ],
                env,
            )
            proposals += int(text.split(":", 1)[1].split("rows")[0])
        verify_s, verify_mb, text = berdaya(["verify", "--program", "WRSE", "--year", "2025"], env)
        again_s, _, _ = berdaya(["verify", "--program", "WRSE", "--year", "2025"], env)
    print("## Verification (berdaya verify)\n")
    print(f"Run {dt.date.today().isoformat()} on {machine()}; PostgreSQL 15 on the same machine.")
    print(
        f"Register: {args.people:,} synthetic people (`berdaya synth --seed {args.seed}`, "
        f"{synth_s:.1f} s; loaded in {load_s:.1f} s). Proposals: {proposals:,} WRSE rows with "
        "planted errors of every code.\n"
    )
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| `berdaya verify` of {proposals:,} proposals | {verify_s:.1f} s | at most 30 s |")
    print(f"| peak memory of that run | {verify_mb:.0f} MB | |")
    print(f"| the same command again (nothing new or changed) | {again_s:.1f} s | |")
    print(f"\nOutput: `{text.strip()}`\n")


if __name__ == "__main__":
    main()
