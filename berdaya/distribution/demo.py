"""The demo's goods catalogue, Bimtek sessions, attendance, procurement and handovers.

WRSE decrees are signed for a few more regions (Kutai Barat, where the demo facilitator works,
Bontang and Kutai Kartanegara) beside Samarinda's; in each region with a decree in force the
units get a package, a session is held with most of them present, goods are ordered and
delivered, and most of those trained receive their goods (some only partly), so the progress
page has something to show for several regions. Safe to run again: it runs once.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

# code, name, unit, price (Rp), business types
ITEMS = [
    ("ETL-01", "Etalase kaca aluminium 120 cm", "unit", 1_450_000, ["WARUNG", "KUE"]),
    ("KLK-01", "Lemari pendingin (showcase) 2 pintu", "unit", 2_350_000, ["WARUNG", "KULINER"]),
    ("RAK-01", "Rak besi susun 5", "unit", 450_000, ["WARUNG"]),
    ("SBK-10", "Paket sembako (beras, minyak, gula, tepung)", "paket", 150_000, ["WARUNG"]),
    ("MJT-01", "Mesin jahit portable", "unit", 1_850_000, ["JAHIT"]),
    ("MJT-02", "Mesin obras", "unit", 1_650_000, ["JAHIT"]),
    ("KAIN-1", "Kain katun (gulung 25 m)", "gulung", 425_000, ["JAHIT"]),
    ("OVN-01", "Oven gas 2 rak", "unit", 1_350_000, ["KUE"]),
    ("MXR-01", "Mixer kue 5 liter", "unit", 950_000, ["KUE"]),
    ("KMP-01", "Kompor gas 2 tungku dan tabung", "set", 650_000, ["KUE", "KULINER"]),
    ("LYG-01", "Loyang dan alat cetak kue", "set", 350_000, ["KUE"]),
    ("GRB-01", "Gerobak dagang", "unit", 2_750_000, ["KULINER"]),
    ("BKL-01", "Peralatan bengkel motor (kunci, kompresor)", "set", 4_500_000, ["BENGKEL"]),
    ("JRG-01", "Jaring ikan dan perlengkapan", "set", 1_250_000, ["IKAN"]),
    ("MSN-01", "Mesin perahu 15 PK", "unit", 9_500_000, ["IKAN"]),
    ("PMP-01", "Pompa air dan selang", "set", 1_150_000, ["TANI"]),
    ("HSP-01", "Hand sprayer elektrik", "unit", 650_000, ["TANI"]),
]
# Packages for a Rp5,000,000 WRSE unit, and one for a Rp20,000,000 KUBE group.
WRSE_PACKAGES = {
    "Paket warung sembako": {"ETL-01": 1, "KLK-01": 1, "RAK-01": 1, "SBK-10": 4},
    "Paket menjahit": {"MJT-01": 1, "MJT-02": 1, "KAIN-1": 3},
    "Paket kue": {"OVN-01": 1, "MXR-01": 1, "KMP-01": 1, "LYG-01": 1, "ETL-01": 1},
}
KUBE_PACKAGES = {
    "Paket KUBE perikanan": {"MSN-01": 1, "JRG-01": 4, "KLK-01": 1, "KMP-01": 2},
}
MORE_DECREES = ("64.07", "64.74", "64.02")
VILLAGE_HALL = {
    "64.72": "Balai Kelurahan Sungai Pinang Dalam",
    "64.07": "Aula Kantor Camat Barong Tongkok",
    "64.74": "Aula Kelurahan Api-Api",
    "64.02": "Balai Desa Loa Kulu Kota",
}


def _photo(seed: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    img = Image.new("RGB", (640, 480), (rng.randrange(80, 200), rng.randrange(80, 200), 90))
    draw = ImageDraw.Draw(img)
    draw.rectangle([180, 150, 460, 380], fill=(235, 235, 225))
    draw.text((200, 170), f"Serah terima #{seed}", fill=(20, 20, 20))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return SimpleUploadedFile(f"foto-{seed}.jpg", buf.getvalue(), content_type="image/jpeg")


def load(stdout: Any, *, year: int) -> None:
    from berdaya.accounts.models import User
    from berdaya.accounts.services import system_user
    from berdaya.distribution.models import Handover

    if Handover.objects.filter(program_year__year=year).exists():
        stdout.write("Demo distribution already loaded.")
        return
    admin = User.objects.filter(username="admin.prov").first() or system_user()
    catalogue = _catalogue(admin, year)
    _decrees(stdout, admin, year)
    counts = _distribute(admin, year, catalogue)
    for region, (trained, full, partial) in sorted(counts.items()):
        stdout.write(
            f"Demo distribution {region}: {trained} trained, {full} handed over, {partial} partly."
        )


def _catalogue(admin: Any, year: int) -> dict[str, Any]:
    from berdaya.programs.catalogue import goods_item_create, package_save
    from berdaya.programs.models import BusinessType, GoodsItem, GoodsPackage, ProgramYear

    types = {t.code: t for t in BusinessType.objects.all()}
    items = {i.code: i for i in GoodsItem.objects.all()}
    for code, name, unit, price, kinds in ITEMS:
        if code not in items:
            items[code] = goods_item_create(
                actor=admin,
                code=code,
                name=name,
                unit=unit,
                unit_price=price,
                business_types=[types[k] for k in kinds if k in types],
            )
    packages: dict[str, list] = {}
    for program, specs in (("WRSE", WRSE_PACKAGES), ("KUBE", KUBE_PACKAGES)):
        py = ProgramYear.objects.filter(program__code=program, year=year).first()
        if py is None:
            continue
        for name, lines in specs.items():
            package = GoodsPackage.objects.filter(program_year=py, name=name).first()
            if package is None:
                package = package_save(
                    actor=admin,
                    program_year=py,
                    name=name,
                    quantities={items[c].pk: q for c, q in lines.items()},
                )
            packages.setdefault(program, []).append(package)
    return {"items": items, "packages": packages}


def _decrees(stdout: Any, admin: Any, year: int) -> None:
    """Sign the WRSE decrees of a few more regions, as the head of office does."""
    from berdaya.accounts.models import User
    from berdaya.allocation.decrees import decree_issue, decree_prepare, sheet_for
    from berdaya.allocation.models import Allocation, Decree
    from berdaya.programs.models import ProgramYear

    head = User.objects.filter(username="kadis").first()
    py = ProgramYear.objects.filter(program__code="WRSE", year=year).first()
    if head is None or py is None:
        return
    for n, region in enumerate(MORE_DECREES, start=10):
        if Decree.objects.filter(program_year=py, region_id=region).exists():
            continue
        if not Allocation.objects.filter(
            program_year=py, region_id=region, status="approved"
        ).exists():
            continue
        try:
            decree = decree_prepare(
                actor=admin,
                program_year=py,
                region=region,
                number=f"400.9/{n}/SK-WRSE/DINSOS/{year}",
            )
            decree_issue(actor=head, decree=decree, content_hash=sheet_for(decree).content_hash)
        except ValidationError as exc:
            stdout.write(f"Demo decree {region} not signed: {' '.join(exc.messages)}")
            continue
        stdout.write(f"Demo decree {decree.number} signed for {decree.region.name}.")


def _distribute(admin: Any, year: int, catalogue: dict) -> dict[str, tuple[int, int, int]]:
    from berdaya.accounts.models import User
    from berdaya.allocation.models import Allocation, Decree
    from berdaya.distribution import procurement, services
    from berdaya.distribution.models import UnitPackage

    rng = random.Random(year)
    today = timezone.localdate()
    facilitators = {u.region_id: u for u in User.objects.filter(role="facilitator")}
    out = {}
    decrees = Decree.objects.filter(
        program_year__year=year,
        status=Decree.Status.ISSUED,
        program_year__program__code__in=catalogue["packages"],
    )
    for decree in decrees.select_related("program_year__program", "region"):
        py, region = decree.program_year, decree.region
        packages = catalogue["packages"][py.program.code]
        units = list(Allocation.objects.filter(decree=decree, status="approved").order_by("rank"))
        for i, unit in enumerate(units):
            if not UnitPackage.objects.filter(allocation=unit).exists():
                services.unit_package_set(
                    actor=admin, allocation=unit, source=packages[i % len(packages)]
                )
        # What the region's units need, ordered from one vendor and (mostly) delivered.
        need: dict[int, int] = {}
        for line in UnitPackage.objects.filter(allocation__in=units).values_list(
            "lines__item", "lines__quantity"
        ):
            need[line[0]] = need.get(line[0], 0) + line[1]
        batch = procurement.procurement_create(
            actor=admin,
            program_year=py,
            region=region,
            vendor="CV Borneo Sejahtera Abadi",
            contract_number=f"027/{region.code}/PBJ-DINSOS/{py.year}",
            contract_date=today,
            location=f"Gudang Dinas Sosial {region.name}",
            quantities=need,
        )
        procurement.delivery_record(
            actor=admin,
            batch=batch,
            delivered_on=today,
            location=f"Gudang Dinas Sosial {region.name}",
            received_by="Pengurus barang",
            quantities={
                x.pk: x.ordered if rng.random() < 0.8 else x.ordered // 2 for x in batch.lines.all()
            },
        )
        session = services.session_create(
            actor=admin,
            program_year=py,
            region=region,
            title=f"Bimtek {py.program.code} {region.name}",
            starts_on=today,
            place=VILLAGE_HALL.get(region.code, f"Aula Dinas Sosial {region.name}"),
            trainers="Dra. Hj. Rahmi (Dinsos Kaltim)\nTim Disperindagkop dan UKM",
            topics=["goods", "business", "finance"],
        )
        services.session_invite(actor=admin, session=session)
        marker = facilitators.get(region.code, admin)
        # Every fourth unit in the list did not come (for a group: none of its members).
        absent = {a.pk for i, a in enumerate(units) if i % 4 == 3}
        marks = {
            p.pk: "absent" if p.allocation_id in absent else "attended"
            for p in session.participants.all()
        }
        services.attendance_mark(actor=marker, session=session, marks=marks)
        services.session_create(
            actor=admin,
            program_year=py,
            region=region,
            title=f"Bimtek susulan {py.program.code} {region.name}",
            starts_on=today + dt.timedelta(days=14),
            place=f"Aula Dinas Sosial {region.name}",
            trainers="Tim Dinsos Kaltim",
            topics=["goods", "business", "finance"],
        )
        trained, full, partial = 0, 0, 0
        for i, unit in enumerate(units):
            if services.handover_problems(unit):
                continue
            trained += 1
            if i % 5 == 4:
                continue  # not yet handed over
            package = UnitPackage.objects.get(allocation=unit)
            lines = list(package.lines.all())
            quantities = {x.item_id: x.remaining for x in lines}
            if i % 5 == 1 and len(lines) > 1:
                quantities[lines[-1].item_id] = 0
                partial += 1
            else:
                full += 1
            services.handover_record(
                actor=facilitators.get(region.code, admin),
                allocation=unit,
                client_key=uuid.uuid4(),
                handed_on=today,
                place=VILLAGE_HALL.get(region.code, f"Kantor Dinas Sosial {region.name}"),
                quantities=quantities,
                photo=_photo(unit.pk),
                officer_title="Pendamping",
                witness_name="Lurah setempat",
            )
        out[f"{py.program.code} {region.code}"] = (trained, full, partial)
    return out
