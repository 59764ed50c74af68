"""`berdaya allocate`: approve 10,000 eligible proposals within quotas (PostgreSQL).

Target (issue 5): at most 10 s. 12,000 eligible WRSE proposals (1,200 in each of the 10
regencies/cities, linked to register rows with deciles, families and flags) compete for
quotas of 1,000 per region: 10,000 are approved by ranking, 2,000 stay as reserves. The time
is the whole command (Python and Django start-up included): ranking, the conditional claims,
the inserts and the audit change table. Writes its numbers to stdout as a Markdown section.
Usage: python bench/allocation_bench.py [--per-region 1200] [--quota 1000] [--seed 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, berdaya, fresh_postgres, machine  # noqa: E402


def populate(per_region: int, quota: int, seed: int) -> int:
    """Eligible proposals with their register rows and verdicts, made in bulk."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "berdaya.settings")
    django.setup()
    from django.utils import timezone

    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.intake.models import Proposal
    from berdaya.programs.services import program_year_for
    from berdaya.programs.targets import envelope_create, regencies, target_save
    from berdaya.regions.models import Region
    from berdaya.registry.models import RegisterRecord
    from berdaya.registry.nik import make_nik
    from berdaya.verification.models import Verification

    rnd = random.Random(seed)
    verifier = User.objects.create(username="verifier.bench", role="province_verifier")
    User.objects.create(username="admin.bench", role="province_admin")
    py, _n = program_year_for(actor=system_user(), program="WRSE", year=2025)
    regions = [r.code for r in regencies()]
    env = envelope_create(
        actor=system_user(),
        fiscal_year=2025,
        source="APBD",
        name="APBD bench",
        amount=100_000_000_000,
        notes="",
    )
    target_save(
        actor=system_user(),
        program_year=py,
        units=quota * len(regions),
        envelope=env,
        quotas={r: quota for r in regions},
    )
    now = timezone.now()
    records, proposals = [], []
    serial = 0
    for region in regions:
        villages = list(
            Region.objects.filter(level="village", code__startswith=region + ".").values_list(
                "code", flat=True
            )[:20]
        )
        for i in range(per_region):
            serial += 1
            village = rnd.choice(villages)
            birth = dt.date(rnd.randint(1966, 2005), rnd.randint(1, 12), rnd.randint(1, 28))
            nik = make_nik(village.replace(".", "")[:6], birth, "P", serial % 9999 + 1)
            kk = f"{village.replace('.', '')[:6]}{serial // 3:010d}"
            name = f"PENERIMA {region} {i}"
            records.append(
                RegisterRecord(
                    source_id=f"B{serial}",
                    nik=nik,
                    kk=kk,
                    name=name,
                    name_norm=name.lower(),
                    birth_date=birth,
                    sex="P",
                    village_code=village,
                    regency_code=region,
                    decile=rnd.randint(1, 4),
                    relation=rnd.choice(["KEPALA KELUARGA", "ISTRI"]),
                    life_status="HIDUP",
                    extreme_poverty=rnd.random() < 0.2,
                    disability=rnd.random() < 0.05,
                    row_hash=f"h{serial}",
                )
            )
            proposals.append(
                Proposal(
                    program_year=py,
                    region_id=region,
                    key=f"b{serial}",
                    row_id=str(i + 1),
                    nik=nik,
                    kk=kk,
                    name=name,
                    name_norm=name.lower(),
                    birth_date=birth,
                    sex="P",
                    village_code=village,
                    relation="KEPALA KELUARGA",
                    data_hash=f"d{serial}",
                    submitted_at=now - dt.timedelta(days=rnd.randint(0, 200)),
                )
            )
    RegisterRecord.objects.bulk_create(records, batch_size=2000)
    Proposal.objects.bulk_create(proposals, batch_size=2000)
    Verification.objects.bulk_create(
        [
            Verification(
                proposal=p,
                register_record=r,
                verdict="eligible",
                computed_verdict="eligible",
                stale=False,
                verified_at=now,
                verified_by=verifier,
                version=1,
            )
            for p, r in zip(proposals, records, strict=True)
        ],
        batch_size=2000,
    )
    return len(proposals)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-region", type=int, default=1200)
    ap.add_argument("--quota", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="berdaya-bench-") as tmp:
        env = {
            "DATABASE_URL": fresh_postgres("bench_allocation"),
            "BERDAYA_VAR_DIR": tmp,
            "BERDAYA_LANG": "en",
        }
        berdaya(["migrate", "-v0"], env)
        os.environ.update(env)
        eligible = populate(args.per_region, args.quota, args.seed)
        wall, peak_mb, text = berdaya(
            ["allocate", "--program", "WRSE", "--year", "2025", "--user", "admin.bench"], env
        )
        from django.db.models import Count

        from berdaya.allocation.models import Allocation
        from berdaya.core.models import AuditChange, AuditEvent
        from berdaya.programs.models import RegionQuota

        approved = Allocation.objects.filter(status="approved").count()
        per_region = set(
            Allocation.objects.values("region_id")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        over = [q.region_id for q in RegionQuota.objects.all() if q.approved_units > q.units]
        events = AuditEvent.objects.filter(action="allocation.approve").count()
        changes = AuditChange.objects.filter(event__action="allocation.approve").count()
        again, _mb, again_text = berdaya(
            ["allocate", "--program", "WRSE", "--year", "2025", "--user", "admin.bench"], env
        )
    print("## Allocation (berdaya allocate)\n")
    print(f"Run {dt.date.today().isoformat()} on {machine()}; PostgreSQL 15 on the same machine.")
    print(
        f"{eligible:,} eligible WRSE proposals ({args.per_region:,} per regency/city, with "
        f"register rows: deciles, families, flags), quotas of {args.quota:,} per region.\n"
    )
    print("| measure | result | target |")
    print("|---|---|---|")
    print(
        f"| `berdaya allocate` approving {approved:,} within quotas (whole command) | "
        f"{wall:.1f} s | at most 10 s |"
    )
    print(f"| peak memory of that run | {peak_mb:.0f} MB | |")
    print(f"| the same command again (quotas full: nothing approved) | {again:.1f} s | |")
    print(
        f"\nApproved per region: {sorted(per_region)}; regions past their quota: "
        f"{over or 'none'}; audit: {events} events (one per region) with {changes:,} "
        f"change rows. Last line: `{text.strip().splitlines()[-1]}`; again: "
        f"`{again_text.strip().splitlines()[-1]}`.\n"
    )


if __name__ == "__main__":
    main()
