"""The permission matrix, generated from the URL configuration.

Every route is tried by every role (and by an anonymous visitor), with GET and POST, against an
object of the Samarinda operator's own region and one of Balikpapan. A route added tomorrow is
tried too: its URL parameters must have an entry in OBJECTS below, or this test fails and says so.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from berdaya.core.models import AuditEvent
from tests.conftest import BALIKPAPAN_VILLAGE, SAMARINDA_VILLAGE

# Routes any visitor may open without signing in.
PUBLIC = {
    "accounts:login",
    "set_language",
    "service_worker",
    "reports:public",
    "api:openapi-json",
    "api:openapi-view",
    "monitoring:service_worker",
}
# Audit rows that record a read (an export, a download, a sign-in), not a change.
READS = (
    "export",
    "file.download",
    "login",
    "logout",
    "login.failed",
    "proposal.view_full",
    "personal_data.report",
    "api.read",
    "api.person_lookup",
    "referral.view",
)
# Routes whose POST is a user's own business (their session, their language).
SELF_SERVICE = {
    "accounts:logout",
    "set_language",
    "accounts:password_change",
    "tokens:list",
    "tokens:revoke",
}


def walk(resolver: URLResolver, prefix: str = "", ns: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            sub_ns = f"{ns}{entry.namespace}:" if entry.namespace else ns
            yield from walk(entry, prefix + str(entry.pattern), sub_ns)
        elif isinstance(entry, URLPattern):
            yield f"{ns}{entry.name}", prefix + str(entry.pattern), entry.pattern.converters


def routes():
    return sorted({(name, pattern, tuple(conv)) for name, pattern, conv in walk(get_resolver())})


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def world(users, person_factory):
    """One object of each kind in Samarinda (own) and Balikpapan (other)."""
    from berdaya.core.files import stored_file_save

    own = person_factory(village=SAMARINDA_VILLAGE, name="Siti Rahmah")
    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Nur Aisyah", birth=dt.date(1979, 7, 2))
    files = {}
    for key, person in (("own", own), ("other", other)):
        files[key] = stored_file_save(
            actor=users["admin"],
            owner=person,
            kind="ktp",
            upload=SimpleUploadedFile("ktp.jpg", _photo(), content_type="image/jpeg"),
        )
    proposals, batches, runs = {}, {}, {}
    from berdaya.intake.services import proposal_create, proposals_upload
    from berdaya.programs.services import program_year_for
    from berdaya.registry.register_import import register_import_create
    from berdaya.verification.services import verification_run_create

    py, _notice = program_year_for(actor=users["admin"], program="WRSE", year=2025)
    for key, region, person in (("own", "64.72", own), ("other", "64.71", other)):
        proposals[key] = proposal_create(
            actor=users["admin"],
            program_year=py,
            region=region,
            nik=person.nik,
            name=person.name,
            birth_date=person.birth_date,
            sex="P",
            village_code=person.village_id,
            relation="KEPALA KELUARGA",
        )
        csv = f"NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n{person.nik},X,bad,P,{region}\n"
        batches[key] = proposals_upload(
            actor=users["admin"],
            program_year=py,
            region=region,
            upload=SimpleUploadedFile("u.csv", csv.encode()),
        ).batch
        runs[key] = verification_run_create(actor=users["admin"], program_year=py, region=region)
    from berdaya.intake.services import group_create

    kube, _notice = program_year_for(actor=users["admin"], program="KUBE", year=2025)
    groups = {
        key: group_create(
            actor=users["admin"], program_year=kube, region=region, name=f"KUBE {key}"
        )
        for key, region in (("own", "64.72"), ("other", "64.71"))
    }
    from berdaya.registry.institutions import institution_create

    institutions = {
        key: institution_create(
            actor=users["admin"],
            name=f"Panti Asuhan {key}",
            kind="ANAK",
            registration_number=f"463/{key}/2021",
            village=village,
        )
        for key, village in (("own", SAMARINDA_VILLAGE), ("other", BALIKPAPAN_VILLAGE))
    }
    decrees, objections = _decrees(users, py, kube)
    distribution = _distribution(users, py, proposals, decrees)
    register_file = settings.VAR_DIR / "test-register.csv"
    register_file.write_text("NIK,NAMA,TGL_LAHIR,JENIS_KELAMIN,KODE_WILAYAH\n", "utf-8")
    run = register_import_create(actor=users["admin"], path=str(register_file))
    return {
        "uid": {k: p.uid for k, p in proposals.items()},
        "group_uid": {k: g.uid for k, g in groups.items()},
        "institution_uid": {k: i.uid for k, i in institutions.items()},
        # Categories are province-wide reference data: both sides are the same kind.
        "category_code": {"own": "LUT", "other": "PD"},
        "batch_id": {k: b.pk for k, b in batches.items()},
        "run_id": {k: r.pk for k, r in runs.items()},
        "import_id": {"own": run.pk, "other": run.pk},
        "code": {"own": "WRSE", "other": "KUBE"},
        "year": {"own": 2025, "other": 2025},
        "person_id": {"own": own.pk, "other": other.pk},
        "household_id": {"own": own.household_id, "other": other.household_id},
        "file_id": {"own": files["own"].pk, "other": files["other"].pk},
        # Users and regions are not region-scoped objects: both sides are the same kind.
        "user_id": {"own": users["op_smd"].pk, "other": users["op_bpn"].pk},
        "region_code": {"own": "64.72", "other": "64.71"},
        # Allocation: the ranking of a region, its decree and an objection to it; the budget
        # envelope belongs to the province (the same object on both sides).
        "region": {"own": "64.72", "other": "64.71"},
        "decree_id": {k: decrees[k].pk for k in ("own", "other")},
        "objection_id": {k: o.pk for k, o in objections.items()},
        "envelope_id": {"own": decrees["envelope"], "other": decrees["envelope"]},
        # Distribution: a unit of each decree, its Bimtek session, handover and procurement;
        # the goods catalogue is the province's (the same object on both sides).
        **distribution,
        # Monitoring: a followed unit of each region with its visit, a referral (to an agency
        # that is not the test partner's), a regional exhibition and a participant; partner
        # agencies are province-wide reference data (the same object on both sides).
        **_monitoring(distribution["allocation_id"]),
        # Reports: a poverty figure is province-wide data (the same on both sides); API tokens
        # belong to users (the Samarinda operator's, the Balikpapan operator's); the API names
        # a proposal by its uid (it answers 401 to a session: tokens only).
        **_reports_and_api(users),
        "proposal_uid": {k: p.uid for k, p in proposals.items()},
    }


def _reports_and_api(users):
    from berdaya.api.services import token_create
    from berdaya.reports.indicators import indicator_save

    figure = indicator_save(actor=users["admin"], region="64", year=2024, rate="5.78")
    tokens = {
        key: token_create(actor=users[user], user=users[user], name="matrix")[0]
        for key, user in (("own", "op_smd"), ("other", "op_bpn"))
    }
    return {
        "indicator_id": {"own": figure.pk, "other": figure.pk},
        "token_id": {k: t.pk for k, t in tokens.items()},
    }


def _distribution(users, py, proposals, decrees):
    import uuid

    from django.utils import timezone

    from berdaya.allocation.models import Allocation
    from berdaya.distribution.models import (
        Handover,
        HandoverLine,
        Participant,
        ProcurementBatch,
        TrainingSession,
    )
    from berdaya.programs.models import GoodsItem, GoodsPackage

    item = GoodsItem.objects.create(
        code="ETL-01", name="Etalase", unit="unit", unit_price=1_500_000
    )
    package = GoodsPackage.objects.create(program_year=py, name="Warung", total=1_500_000)
    out = {k: {} for k in ("allocation_id", "session_id", "handover_id", "procurement_id")}
    for n, (key, region) in enumerate((("own", "64.72"), ("other", "64.71")), start=1):
        a = Allocation.objects.create(
            program_year=py,
            region_id=region,
            proposal=proposals[key],
            rank=1,
            score=50,
            value=5_000_000,
            approved_at=timezone.now(),
            decree=decrees[key],
        )
        session = TrainingSession.objects.create(
            program_year=py,
            region_id=region,
            title=f"Bimtek {key}",
            starts_on=timezone.localdate(),
            place="Aula",
            trainers="Pelatih",
            topics=["goods"],
        )
        Participant.objects.create(
            session=session, allocation=a, proposal=proposals[key], name="Siti"
        )
        h = Handover.objects.create(
            client_key=uuid.uuid4(),
            allocation=a,
            program_year=py,
            region_id=region,
            seq=1,
            number=f"BAST/WRSE/2025/{region}/0001",
            handed_on=timezone.localdate(),
            place="Aula",
            receiver_name="Siti",
            officer_name="Pendamping",
            value=1_500_000,
        )
        HandoverLine.objects.create(
            handover=h, item=item, quantity=1, unit_price=1_500_000, value=1_500_000
        )
        batch = ProcurementBatch.objects.create(
            program_year=py,
            region_id=region,
            vendor="CV Maju",
            contract_number=f"K-{n}",
            location="Gudang",
        )
        out["allocation_id"][key] = a.pk
        out["session_id"][key] = session.pk
        out["handover_id"][key] = h.pk
        out["procurement_id"][key] = batch.pk
    return {
        **out,
        "item_id": {"own": item.pk, "other": item.pk},
        "package_id": {"own": package.pk, "other": package.pk},
    }


def _monitoring(allocation_ids):
    import datetime as dt

    from django.utils import timezone

    from berdaya.allocation.models import Allocation
    from berdaya.monitoring.models import (
        Exhibition,
        ExhibitionParticipant,
        MonitoredUnit,
        PartnerAgency,
        Referral,
        Visit,
    )

    today = timezone.localdate()
    trade = PartnerAgency.objects.get(code="DISPERINDAGKOP")
    out = {
        k: {} for k in ("unit_id", "visit_id", "referral_uid", "exhibition_id", "participant_id")
    }
    for key, region in (("own", "64.72"), ("other", "64.71")):
        a = Allocation.objects.get(pk=allocation_ids[key])
        unit = MonitoredUnit.objects.create(
            allocation=a,
            program_year_id=a.program_year_id,
            region_id=region,
            kind="person",
            form_kind="business",
            name=f"Usaha {key}",
            started_on=today,
        )
        visit = Visit.objects.create(
            unit=unit, region_id=region, month=3, due_on=today + dt.timedelta(days=90)
        )
        Visit.objects.create(
            unit=unit,
            region_id=region,
            month=1,
            due_on=today,
            status="done",
            visited_on=today,
            business_status="running",
            revenue=900_000,
        )
        referral = Referral.objects.create(
            region_id=region,
            agency=trade,
            service="product",
            unit=unit,
            subject_name=unit.name,
            reason="Kemasan dan pemasaran produk",
            respond_by=today,
        )
        exhibition = Exhibition.objects.create(
            name=f"Bazar {key}", organiser="Dinsos", place="Aula", region_id=region, starts_on=today
        )
        participant = ExhibitionParticipant.objects.create(
            exhibition=exhibition, unit=unit, region_id=region
        )
        out["unit_id"][key] = unit.pk
        out["visit_id"][key] = visit.pk
        out["referral_uid"][key] = referral.uid
        out["exhibition_id"][key] = exhibition.pk
        out["participant_id"][key] = participant.pk
    return {**out, "agency_id": {"own": trade.pk, "other": trade.pk}}


def _decrees(users, wrse, kube):
    """An issued decree (with a recipient line) and an objection in each region."""
    from django.utils import timezone

    from berdaya.allocation.models import Decree, DecreeEntry, Objection
    from berdaya.programs.models import BudgetEnvelope

    decrees, objections = {}, {}
    for key, py, region in (("own", wrse, "64.72"), ("other", kube, "64.71")):
        decree = Decree.objects.create(
            program_year=py,
            region_id=region,
            status="issued",
            number=f"400.9/{key}/2025",
            issued_at=timezone.now(),
            units=1,
            total=5_000_000,
            signatory_name="Kepala",
        )
        DecreeEntry.objects.create(
            decree=decree,
            kind="recipient",
            number=1,
            name="Siti",
            nik_masked="6472********0001",
            value=5_000_000,
        )
        decrees[key] = decree
        objections[key] = Objection.objects.create(
            decree=decree,
            region_id=region,
            kind="other",
            complainant_name="Warga",
            received_on=timezone.localdate(),
            description="Penerima tidak tepat sasaran",
        )
    envelope = BudgetEnvelope.objects.create(
        fiscal_year=2025, source="APBD", name="APBD 2025", amount=6_500_000_000
    )
    return {**decrees, "envelope": envelope.pk}, objections


def build_url(pattern: str, converters, values: dict, side: str) -> str:
    path = pattern
    for name in converters:
        if name not in values:
            raise AssertionError(
                f"route {pattern!r} takes <{name}>: "
                "add an object for it in tests/test_permissions.py"
            )
        start = path.index("<")
        end = path.index(">", start)
        path = path[:start] + str(values[name][side]) + path[end + 1 :]
    return "/" + path


def test_every_route_every_role(client, users, world, capsys):
    roles = [None, *users]
    tried = leaks = 0
    problems = []
    for name, pattern, converters in routes():
        region_scoped = bool(
            set(converters)
            & {
                "person_id",
                "household_id",
                "file_id",
                "uid",
                "batch_id",
                "run_id",
                "group_uid",
                "institution_uid",
                "region",
                "decree_id",
                "objection_id",
                "session_id",
                "allocation_id",
                "handover_id",
                "procurement_id",
                "unit_id",
                "visit_id",
                "referral_uid",
                "exhibition_id",
                "participant_id",
            }
        )
        for side in ("own", "other") if converters else ("own",):
            url = build_url(pattern, converters, world, side)
            for role in roles:
                client.logout()
                if role:
                    client.force_login(users[role])
                for method in ("get", "post"):
                    if name == "accounts:logout" and method == "get":
                        continue
                    before = AuditEvent.objects.exclude(action__in=READS).count()
                    response = getattr(client, method)(url)
                    tried += 1
                    status = response.status_code
                    writes = AuditEvent.objects.exclude(action__in=READS).count() - before
                    where = f"{method.upper()} {url} as {role or 'anonymous'} ({name})"
                    if status >= 500:
                        problems.append(f"{where}: server error {status}")
                    if role is None and name not in PUBLIC:
                        # The API answers 401 (token authentication; 405 for a method it
                        # does not have, 404 at its root), the pages redirect.
                        if not (status == 302 and "/masuk/" in response["Location"]) and not (
                            name.startswith("api:") and status in (401, 404, 405)
                        ):
                            problems.append(f"{where}: anonymous got {status}")
                    regional = role in ("op_smd", "facilitator")
                    if regional and region_scoped and side == "other":
                        # 403 comes from the role alone (the same for any object): no leak.
                        if status not in (403, 404, 405):
                            leaks += 1
                            problems.append(f"{where}: another region's object gave {status}")
                        if writes:
                            problems.append(f"{where}: wrote {writes} audit rows")
                    if role == "partner" and region_scoped and status == 200:
                        problems.append(f"{where}: a partner agency read a person")
                    if (
                        role in ("viewer", "head", "partner")
                        and method == "post"
                        and name not in SELF_SERVICE
                        and status in (200, 302)
                        and writes
                    ):
                        problems.append(f"{where}: a read-only role wrote")
    with capsys.disabled():
        print(
            f"\npermission matrix: {len(routes())} routes x {len(roles)} roles, "
            f"{tried} requests tried, {leaks} leaks"
        )
    assert not problems, "\n".join(problems)


def test_samarinda_operator_cannot_reach_balikpapan_person(client, users, world):
    client.force_login(users["op_smd"])
    other = world["person_id"]["other"]
    for url in (
        f"/orang/{other}/",
        f"/orang/{other}/ubah/",
        f"/keluarga/{world['household_id']['other']}/",
        f"/berkas/{world['file_id']['other']}/",
    ):
        assert client.get(url).status_code == 404, url
    before = AuditEvent.objects.count()
    response = client.post(f"/orang/{other}/ubah/", {"name": "Diubah", "nik": "x"})
    assert response.status_code == 404
    response = client.post(f"/orang/{other}/nik/", {"reason": "ingin tahu"})
    assert response.status_code == 404
    assert AuditEvent.objects.count() == before
    # And the list never shows the other region's people.
    page = client.get("/orang/?q=Nur Aisyah").content.decode()
    assert f"/orang/{other}/" not in page
    own = world["person_id"]["own"]
    assert f"/orang/{own}/" in client.get("/orang/?q=Siti Rahmah").content.decode()


def test_every_route_is_in_the_matrix():
    """The walk finds the routes this issue built, so a new route cannot slip past the matrix."""
    names = {name for name, _pattern, _conv in routes()}
    for expected in (
        "registry:person_detail",
        "registry:person_edit",
        "core:file",
        "registry:household_detail",
        "accounts:user_edit",
        "core:audit",
    ):
        assert expected in names
