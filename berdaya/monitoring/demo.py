"""The demo's monitoring: visit histories over 24 months, referrals and exhibitions.

The demo's own year is handed over today (distribution's demo), so nothing of it is due yet.
Monitoring needs a past: the year before (`year - 1`) becomes a real cohort, made through the
same services as any year. Its recipients are those of the demo's history of past recipients
(the people the demo year's verification finds ALREADY_RECEIVED), topped up from the register;
they are proposed, verified, approved, decreed, trained and handed their goods between August
and November of that year, in Samarinda, Kutai Kartanegara and Kutai Barat (where the demo
facilitator works).

Then every visit that has fallen due is recorded as a facilitator would, from a seeded model of
small businesses (seed 004: some grow and employ poor neighbours, others stop for lack of
capital, competition or drive): survival falling to about two thirds by 24 months, revenue
rising for most of those still running, a few families independent. The most recent visits are
partly left undone, so the due and overdue lists show work to do. Referrals to the partner
agencies follow what the visits found; two exhibitions show products and sales.

Safe to run again: each part runs once.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

PAST_REGIONS = {"64.72": "pendamping.smd", "64.02": "pendamping.kukar", "64.07": "pendamping.kubar"}
PER_REGION = 30
PACKAGES = {  # name, business type code, {item code: quantity} (distribution's catalogue)
    "Paket warung sembako": ("WARUNG", {"ETL-01": 1, "KLK-01": 1, "RAK-01": 1, "SBK-10": 4}),
    "Paket menjahit": ("JAHIT", {"MJT-01": 1, "MJT-02": 1, "KAIN-1": 3}),
    "Paket kue": ("KUE", {"OVN-01": 1, "MXR-01": 1, "KMP-01": 1, "LYG-01": 1, "ETL-01": 1}),
}
# Chance of stopping between two visits (by the later visit's month), per business type.
HAZARD = {3: 0.06, 6: 0.07, 12: 0.11, 24: 0.13}
RISK = {
    "Warung sembako / toko kelontong": 1.25,
    "Menjahit dan konveksi": 0.75,
    "Kue dan makanan olahan": 1.0,
}
# Money turned over for the same income (a shop sells a lot at a thin margin), and the margin.
TURNOVER = {
    "Warung sembako / toko kelontong": (2.2, 0.13),
    "Menjahit dan konveksi": (1.0, 0.45),
    "Kue dan makanan olahan": (1.4, 0.3),
}
REASONS = [
    ("capital", 30),
    ("market", 24),
    ("motivation", 18),
    ("health", 12),
    ("moved", 6),
    ("goods", 6),
    ("family", 4),
]


def _photo(seed: int, text: str) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (480, 360), (rng.randrange(90, 210), rng.randrange(90, 210), 110))
    draw = ImageDraw.Draw(img)
    draw.rectangle([120, 100, 360, 280], fill=(240, 236, 220))
    draw.text((136, 116), text[:30], fill=(25, 25, 25))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=75)
    return SimpleUploadedFile(f"kunjungan-{seed}.jpg", buf.getvalue(), content_type="image/jpeg")


def load(stdout: Any, *, year: int) -> None:
    from berdaya.accounts.services import system_user
    from berdaya.monitoring.defaults import seed_agencies
    from berdaya.monitoring.models import PartnerAgency
    from berdaya.monitoring.scheduling import visits_schedule

    seed_agencies(PartnerAgency)
    _facilitators()
    result = visits_schedule(actor=system_user())
    stdout.write(f"Demo monitoring of {year}: {result}.")
    try:
        _past_cohort(stdout, year - 1)
    except ValidationError as exc:
        stdout.write(f"Demo cohort {year - 1} not made: {' '.join(exc.messages)}")
    result = visits_schedule(actor=system_user())
    if result.started:
        stdout.write(f"Demo monitoring of {year - 1}: {result}.")
    _histories(stdout)
    _referrals(stdout)
    _exhibitions(stdout, year)


def _facilitators() -> None:
    """A facilitator for each region of the cohort (those not in the demo's sign-ins have no
    password: they are names the visits are recorded under)."""
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.core.audit import audit_record

    for region, username in PAST_REGIONS.items():
        if User.objects.filter(role="facilitator", region_id=region, is_active=True).exists():
            continue
        from berdaya.regions.models import Region

        name = Region.objects.get(code=region).name.replace("Kabupaten ", "").replace("Kota ", "")
        user = User(
            username=username,
            role="facilitator",
            region_id=region,
            first_name=f"Pendamping {name}",
        )
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=system_user(),
            action="user.create",
            obj=user,
            after={"role": "facilitator", "region": region, "demo": True},
        )


# --- The past cohort ------------------------------------------------------------------------


def _candidates(py: Any, region: str, n: int) -> list[Any]:
    """Women heads of family, 18-59, decile 1-4, alive: the year's past recipients first."""
    from berdaya.intake.models import Proposal
    from berdaya.programs.models import PastRecipient
    from berdaya.registry.models import RegisterRecord

    ref = py.reference_date
    oldest = dt.date(ref.year - 60, ref.month, ref.day) + dt.timedelta(days=1)
    youngest = dt.date(ref.year - 18, ref.month, ref.day)
    taken = set(
        Proposal.objects.filter(program_year__program=py.program).values_list("nik", flat=True)
    )
    before = set(
        PastRecipient.objects.filter(program=py.program, year__lt=py.year).values_list(
            "nik", flat=True
        )
    )
    base = RegisterRecord.objects.filter(
        regency_code=region,
        present=True,
        nik_valid=True,
        nik_duplicate=False,
        sex="P",
        life_status="HIDUP",
        decile__lte=4,
        relation="KEPALA KELUARGA",
        birth_date__gte=oldest,
        birth_date__lte=youngest,
    ).exclude(occupation__in=py.excluded_occupations or [])
    recipients = set(
        PastRecipient.objects.filter(program=py.program, year=py.year).values_list("nik", flat=True)
    )
    first = list(base.filter(nik__in=recipients).order_by("nik"))
    rest = list(base.exclude(nik__in=recipients).order_by("nik")[: n * 4])
    random.Random(f"{py.year}{region}").shuffle(rest)
    out, seen = [], set()
    for r in first + rest:
        if r.nik in taken or r.nik in before or r.nik in seen:
            continue
        seen.add(r.nik)
        out.append(r)
        if len(out) == n:
            break
    return out


def _past_cohort(stdout: Any, past: int) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.allocation.decrees import decree_issue, decree_prepare, sheet_for
    from berdaya.allocation.models import Allocation, Decree
    from berdaya.allocation.services import allocation_approve
    from berdaya.distribution import services as dist
    from berdaya.distribution.models import Handover
    from berdaya.intake.services import proposal_create
    from berdaya.programs.catalogue import package_save
    from berdaya.programs.models import BusinessType, GoodsItem, GoodsPackage
    from berdaya.programs.services import program_year_for
    from berdaya.verification.services import verify

    system = system_user()
    py, _notice = program_year_for(actor=system, program="WRSE", year=past)
    if Handover.objects.filter(program_year=py).exists():
        return
    admin = User.objects.filter(username="admin.prov").first() or system
    verifier = User.objects.filter(username="verifikator").first() or system
    head = User.objects.filter(username="kadis").first() or system
    items = {i.code: i for i in GoodsItem.objects.all()}
    types = {t.code: t for t in BusinessType.objects.all()}
    packages = []
    for name, (kind, lines) in PACKAGES.items():
        if not all(code in items for code in lines):
            return  # the catalogue comes with distribution's demo
        package = GoodsPackage.objects.filter(program_year=py, name=name).first()
        if package is None:
            package = package_save(
                actor=admin,
                program_year=py,
                name=name,
                business_type=types.get(kind),
                quantities={items[c].pk: q for c, q in lines.items()},
            )
        packages.append(package)
    operators = {u.region_id: u for u in User.objects.filter(role="operator")}
    for region in PAST_REGIONS:
        for r in _candidates(py, region, PER_REGION):
            proposal_create(
                actor=operators.get(region, admin),
                program_year=py,
                region=region,
                nik=r.nik,
                kk=r.kk,
                name=r.name,
                birth_place=r.birth_place,
                birth_date=r.birth_date,
                sex="P",
                address=r.address,
                village_code=r.village_code,
                relation=r.relation,
                occupation=r.occupation,
            )
    verify(actor=verifier, program_year=py)
    rng = random.Random(past)
    made = 0
    for n, region in enumerate(PAST_REGIONS, start=1):
        try:
            allocation_approve(actor=admin, program_year=py, region=region)
        except ValidationError:
            continue
        if not Decree.objects.filter(program_year=py, region_id=region).exists():
            decree = decree_prepare(
                actor=admin,
                program_year=py,
                region=region,
                number=f"400.9/{n}/SK-WRSE/DINSOS/{past}",
                decree_date=dt.date(past, 7, 15),
            )
            decree_issue(actor=head, decree=decree, content_hash=sheet_for(decree).content_hash)
        units = list(
            Allocation.objects.filter(
                program_year=py, region_id=region, status="approved"
            ).order_by("rank")
        )
        facilitator = User.objects.filter(role="facilitator", region_id=region).first() or admin
        session = dist.session_create(
            actor=admin,
            program_year=py,
            region=region,
            title=f"Bimtek WRSE {past}",
            starts_on=dt.date(past, 8, 6),
            ends_on=dt.date(past, 8, 7),
            place="Aula Dinas Sosial",
            trainers="Tim Dinsos Kaltim\nTim Disperindagkop dan UKM",
            topics=["goods", "business", "finance", "marketing"],
        )
        dist.session_invite(actor=admin, session=session)
        dist.attendance_mark(
            actor=facilitator,
            session=session,
            marks={p.pk: "attended" for p in session.participants.all()},
        )
        for i, unit in enumerate(units):
            dist.unit_package_set(actor=admin, allocation=unit, source=packages[i % len(packages)])
            lines = {x.item_id: x.remaining for x in unit.package.lines.all()}
            handed = dt.date(past, 8, 12) + dt.timedelta(days=rng.randrange(0, 105))
            dist.handover_record(
                actor=facilitator,
                allocation=unit,
                client_key=uuid.uuid4(),
                handed_on=handed,
                place="Rumah penerima",
                quantities=lines,
                photo=_photo(unit.pk, "Serah terima"),
                officer_title="Pendamping",
                witness_name="Ketua RT setempat",
            )
            made += 1
    stdout.write(
        f"Demo cohort {py}: {made} women handed their goods in {len(PAST_REGIONS)} "
        "regions (for 24 months of visits)."
    )


# --- Visit histories --------------------------------------------------------------------------


def _histories(stdout: Any) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.monitoring.models import FormKind, MonitoredUnit, Visit
    from berdaya.monitoring.visits import unit_goods, visit_record

    if Visit.objects.filter(status=Visit.Status.DONE).exists():
        return
    today = timezone.localdate()
    admin = User.objects.filter(username="admin.prov").first() or system_user()
    recorded = skipped = 0
    units = (
        MonitoredUnit.objects.filter(
            form_kind=FormKind.BUSINESS,
            visits__status=Visit.Status.SCHEDULED,
            visits__due_on__lte=today,
        )
        .distinct()
        .select_related("facilitator")
        .order_by("pk")
    )
    for unit in units:
        rng = random.Random(unit.allocation_id * 7919)
        risk = RISK.get(unit.business_type, 1.0)
        baseline = rng.choice(range(300_000, 1_300_001, 50_000))
        drive = rng.betavariate(1.5, 2.2) - 0.05  # how the business takes off
        turnover, margin = TURNOVER.get(unit.business_type, (1.2, 0.3))
        margin *= rng.uniform(0.8, 1.2)
        stopped, mandiri = None, False
        goods = unit_goods(unit)
        for visit in unit.visits.filter(status=Visit.Status.SCHEDULED, due_on__lte=today).order_by(
            "month"
        ):
            recent = (today - visit.due_on).days < 75
            if rng.random() < (0.35 if recent else 0.05):
                skipped += 1
                continue  # not visited (yet): the lists show it due or overdue
            visited = min(today, visit.due_on + dt.timedelta(days=rng.randrange(-6, 11)))
            values: dict[str, Any] = {}
            if stopped is None and rng.random() < HAZARD.get(visit.month, 0.1) * risk * (
                1.4 - 0.6 * max(0.0, drive)
            ):
                weights = [w * (1.5 if r == "market" and risk > 1 else 1) for r, w in REASONS]
                stopped = rng.choices([r for r, _w in REASONS], weights)[0]
            if stopped:
                values.update(
                    business_status="stopped",
                    stop_reason=stopped,
                    revenue=0,
                    profit=0,
                    workers=0,
                    workers_poor=0,
                )
                share = 0.0 if stopped == "goods" else rng.uniform(0.4, 1.0)
            else:
                factor = 1 + drive * (visit.month / 3) ** 0.5 * rng.uniform(0.7, 1.1)
                # A shop turns over more money than a tailor for the same income.
                revenue = max(100_000, round(baseline * factor * turnover / 50_000) * 50_000)
                status = "growing" if factor >= 1.6 else "stagnant" if factor < 1.15 else "running"
                profit = round(revenue * (margin if status != "stagnant" else margin / 3) / 10_000)
                mandiri = mandiri or (
                    status == "growing"
                    and visit.month >= 12
                    and profit * 10_000 >= 800_000
                    and rng.random() < 0.6
                )
                workers = 0
                if status == "growing" and visit.month >= 6:
                    workers = rng.choice([1, 1, 2, 2, 3])
                elif status == "running" and rng.random() < 0.2:
                    workers = 1
                poor = sum(1 for _w in range(workers) if rng.random() < 0.7)
                values.update(
                    business_status=status,
                    revenue=revenue,
                    profit=profit * 10_000,
                    workers=workers,
                    workers_poor=poor,
                    independent=mandiri and status != "stagnant",
                )
                share = 1.0 if rng.random() < 0.85 else rng.uniform(0.6, 0.95)
            held = {str(g["item"]): int(round(g["quantity"] * share)) for g in goods}
            photos = [] if stopped in ("moved",) else [_photo(visit.pk, unit.name)]
            try:
                visit_record(
                    actor=unit.facilitator or admin,
                    visit=visit,
                    client_key=uuid.uuid4(),
                    visited_on=visited,
                    baseline_revenue=baseline,
                    goods=held,
                    photos=photos,
                    notes="",
                    captured_at=None,
                    **values,
                )
            except ValidationError as exc:
                stdout.write(f"Demo visit of {unit.name} refused: {' '.join(exc.messages)}")
                continue
            recorded += 1
    stdout.write(f"Demo visit histories: {recorded} visits recorded, {skipped} left to do.")


# --- Referrals and exhibitions --------------------------------------------------------------


def _referrals(stdout: Any) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.monitoring.models import PartnerAgency, Referral, Visit
    from berdaya.monitoring.referrals import referral_accept, referral_complete, referral_create

    if Referral.objects.exists():
        return
    agencies = {a.code: a for a in PartnerAgency.objects.all()}
    partner = User.objects.filter(username="mitra.umkm").first()
    admin = User.objects.filter(username="admin.prov").first() or system_user()
    made = 0
    plan = [
        (
            Q(business_status="growing"),
            "DISPERINDAGKOP",
            "product",
            "Usaha berkembang: perlu pendampingan kemasan, PIRT dan pemasaran daring.",
        ),
        (
            Q(business_status="stopped", stop_reason="capital"),
            "DISPERINDAGKOP",
            "product",
            "Usaha berhenti karena kehabisan modal: mohon fasilitasi akses KUR/koperasi.",
        ),
        (
            Q(business_status="stopped", stop_reason="health"),
            "DINKES",
            "health",
            "Penerima sakit berkepanjangan: mohon pemeriksaan dan kepesertaan JKN.",
        ),
        (
            Q(business_status="stagnant"),
            "DISNAKERTRANS",
            "training",
            "Usaha jalan di tempat: anak tertua menganggur, mohon pelatihan kerja.",
        ),
        (
            Q(business_status="running"),
            "DISDIKBUD",
            "scholarship",
            "Anak usia SMA terancam putus sekolah: mohon Beasiswa Tuntas.",
        ),
        (
            Q(business_status="stopped", stop_reason="family"),
            "PUPR",
            "housing",
            "Rumah tidak layak huni (atap bocor, lantai tanah): mohon program RTLH.",
        ),
    ]
    rng = random.Random(2024)
    for q, code, service, reason in plan:
        visits = list(
            Visit.objects.filter(q, status="done")
            .select_related("unit__facilitator")
            .order_by("visited_on", "pk")[:40]
        )
        rng.shuffle(visits)
        for visit in visits[:3]:
            try:
                referral = referral_create(
                    actor=visit.unit.facilitator or admin,
                    visit=visit,
                    agency=agencies[code],
                    service=service,
                    reason=reason,
                )
            except (ValidationError, KeyError):
                continue
            made += 1
            if code == "DISPERINDAGKOP" and partner is not None:
                if made % 3 == 0:
                    continue  # waiting for the agency's answer
                referral_accept(actor=partner, referral=referral)
                if made % 3 == 1:
                    referral_complete(
                        actor=partner,
                        referral=referral,
                        outcome="served",
                        note="Ikut klinik kemasan dan didaftarkan PIRT; difasilitasi ke koperasi.",
                    )
    stdout.write(f"Demo referrals: {made} sent to the partner agencies.")


def _exhibitions(stdout: Any, year: int) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.monitoring.exhibitions import exhibition_create, participant_add, product_record
    from berdaya.monitoring.models import Exhibition, MonitoredUnit, Visit

    if Exhibition.objects.exists():
        return
    admin = User.objects.filter(username="admin.prov").first() or system_user()
    products = {
        "Warung sembako / toko kelontong": [
            ("Keripik pisang kemasan", 15_000),
            ("Sambal amplang", 25_000),
        ],
        "Menjahit dan konveksi": [("Tas kain sasirangan", 85_000), ("Masker batik", 15_000)],
        "Kue dan makanan olahan": [("Kue bingka", 35_000), ("Amplang ikan pipih", 30_000)],
    }
    rng = random.Random(year)
    doing = list(
        MonitoredUnit.objects.filter(
            visits__status=Visit.Status.DONE,
            visits__business_status__in=["running", "growing"],
            status__in=["monitored", "independent"],
        )
        .distinct()
        .order_by("pk")
    )
    if not doing:
        return
    expo = exhibition_create(
        actor=admin,
        name=f"Kaltim UMKM Expo {year}",
        organiser="Dinas Sosial Provinsi Kaltim bersama Disperindagkop dan UKM",
        place="GOR Segiri, Samarinda",
        region="",
        starts_on=dt.date(year, 8, 14),
        ends_on=dt.date(year, 8, 17),
        notes="Stan binaan WRSE dan KUBE (seed 004: ekspose produk penerima manfaat).",
    )
    local = exhibition_create(
        actor=admin,
        name=f"Bazar Produk Binaan Kutai Barat {year + 1}",
        organiser="Dinas Sosial Kabupaten Kutai Barat",
        place="Taman Budaya Sendawar",
        region="64.07",
        starts_on=dt.date(year + 1, 6, 20),
    )
    n = 0
    for exhibition, pool in (
        (expo, doing[:: max(1, len(doing) // 10)][:10]),
        (local, [u for u in doing if u.region_id == "64.07"][:5]),
    ):
        for unit in pool:
            try:
                p = participant_add(actor=admin, exhibition=exhibition, unit=unit)
            except ValidationError:
                continue
            for name, price in products.get(unit.business_type, [("Produk olahan", 20_000)]):
                product_record(
                    actor=admin,
                    participant=p,
                    name=name,
                    unit_price=price,
                    quantity_sold=rng.randrange(5, 60),
                )
            n += 1
    stdout.write(f"Demo exhibitions: 2 events, {n} beneficiaries with their products and sales.")
