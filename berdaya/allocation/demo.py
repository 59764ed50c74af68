"""The demo's targets, budget, approvals and decrees, with the figures of the seeds.

Seed 004: 500 WRSE a year (50 per regency/city) at Rp5,000,000 and 200 KUBE groups a year
(20 per regency/city) at Rp20,000,000, which cost exactly the Rp6.5 billion that the province's
2024 budget (APBD, seed 003) gave WRSE and KUBE together. The same yearly figures are set for
the demo's proposal year. Safe to run again: what exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

ENVELOPE = 6_500_000_000
PER_REGION = {"WRSE": 50, "KUBE": 20}


def load(stdout: Any, *, year: int) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.programs.models import BudgetEnvelope, ProgramTarget
    from berdaya.programs.services import program_year_for
    from berdaya.programs.targets import envelope_create, regencies, target_save

    admin = User.objects.filter(username="admin.prov").first() or system_user()
    regions = [r.code for r in regencies()]
    for fiscal_year in sorted({2024, year}):
        envelope = BudgetEnvelope.objects.filter(fiscal_year=fiscal_year, source="APBD").first()
        if envelope is None:
            envelope = envelope_create(
                actor=admin,
                fiscal_year=fiscal_year,
                source="APBD",
                name=f"APBD Kaltim {fiscal_year} — modal usaha KUBE dan WRSE",
                amount=ENVELOPE,
                notes="Seed 003: Rp6,5 miliar APBD 2024 untuk WRSE dan KUBE; seed 004: 500 WRSE "
                "dan 200 KUBE per tahun (2024-2026).",
            )
        for code, per_region in PER_REGION.items():
            py, _notice = program_year_for(actor=system_user(), program=code, year=fiscal_year)
            if ProgramTarget.objects.filter(program_year=py).exists():
                continue
            target_save(
                actor=admin,
                program_year=py,
                units=per_region * len(regions),
                envelope=envelope,
                deadline=dt.date(fiscal_year, 9, 30),
                quotas={r: per_region for r in regions},
            )
    stdout.write(
        f"Demo targets: WRSE 500 and KUBE 200 a year, APBD Rp6.5 billion "
        f"({', '.join(str(y) for y in sorted({2024, year}))})."
    )
    _decide(stdout, year=year, admin=admin)


def _decide(stdout: Any, *, year: int, admin: Any) -> None:
    """Approve each region's ranking for the demo year; Samarinda's WRSE decree is signed and
    Balikpapan's waits for the head of office's signature."""
    from berdaya.accounts.models import User
    from berdaya.allocation.decrees import decree_issue, decree_prepare, sheet_for
    from berdaya.allocation.models import Allocation, Decree
    from berdaya.allocation.services import allocation_approve
    from berdaya.programs.models import ProgramYear
    from berdaya.programs.targets import regencies

    if Allocation.objects.filter(program_year__year=year).exists():
        return
    approved = 0
    for code in PER_REGION:
        py = ProgramYear.objects.filter(program__code=code, year=year).first()
        if py is None:
            continue
        for region in regencies():
            try:
                approved += allocation_approve(actor=admin, program_year=py, region=region).approved
            except ValidationError:
                continue  # nothing eligible in that region, or the verifier is the approver
    stdout.write(f"Demo approvals {year}: {approved} units within the quotas.")
    head = User.objects.filter(username="kadis").first()
    wrse = ProgramYear.objects.filter(program__code="WRSE", year=year).first()
    if wrse is None or head is None:
        return
    for n, region in enumerate(("64.72", "64.71"), start=1):
        if Decree.objects.filter(program_year=wrse, region_id=region).exists():
            continue
        try:
            decree = decree_prepare(
                actor=admin,
                program_year=wrse,
                region=region,
                number=f"400.9/{n}/SK-WRSE/DINSOS/{year}",
            )
        except ValidationError:
            continue
        if region == "64.72":
            decree_issue(actor=head, decree=decree, content_hash=sheet_for(decree).content_hash)
            stdout.write(f"Demo decree {decree.number} signed for Kota Samarinda.")
        else:
            stdout.write(f"Demo decree {decree.number} waits for the head of office.")
