"""Load the demo: one user per role, and a synthetic register of East Kalimantan families.

Safe to run again: existing users keep their passwords and loaded people are not added twice.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_USERS = [
    # username, role, region, agency, first name
    ("admin.prov", "province_admin", None, "", "Admin Provinsi"),
    ("verifikator", "province_verifier", None, "", "Verifikator Provinsi"),
    ("kadis", "head_of_office", None, "", "Kepala Dinas"),
    ("operator.smd", "operator", "64.72", "", "Operator Samarinda"),
    ("operator.bpn", "operator", "64.71", "", "Operator Balikpapan"),
    ("pendamping.kubar", "facilitator", "64.07", "", "Pendamping Kutai Barat"),
    ("auditor", "viewer", None, "", "Auditor Inspektorat"),
    ("mitra.umkm", "partner", None, "Disperindagkop dan UKM Kaltim", "Mitra Disperindagkop"),
]


DEMO_YEAR = 2025
DEMO_PROGRAMS = ("WRSE", "KUBE", "LKS", "PPKS")


class Command(BaseCommand):
    help = "Load the demo users and a synthetic register (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, **options):
        signins = self._users()
        self._people(options["people"], options["seed"])
        self._proposals()
        from berdaya.allocation.demo import load as load_allocation

        load_allocation(self.stdout, year=DEMO_YEAR)
        from berdaya.distribution.demo import load as load_distribution

        load_distribution(self.stdout, year=DEMO_YEAR)
        from berdaya.monitoring.demo import load as load_monitoring

        load_monitoring(self.stdout, year=DEMO_YEAR)
        self.stdout.write("")
        self.stdout.write("Demo sign-ins (also in var/demo_signins.json):")
        for username, role, password in signins:
            self.stdout.write(f"  {role:<26} {username:<18} {password}")

    def _users(self) -> list[tuple[str, str, str]]:
        from berdaya.accounts.models import User
        from berdaya.accounts.services import system_user
        from berdaya.core.audit import audit_record

        path = Path(settings.VAR_DIR) / "demo_signins.json"
        stored: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
        out = []
        actor = system_user()
        with transaction.atomic():
            for username, role, region, agency, first in DEMO_USERS:
                user = User.objects.filter(username=username).first()
                if user is None or username not in stored:
                    # Passwords are made on this machine, never written into the repository.
                    stored[username] = secrets.token_urlsafe(9)
                    if user is None:
                        user = User(
                            username=username,
                            role=role,
                            region_id=region,
                            agency=agency,
                            first_name=first,
                        )
                    user.set_password(stored[username])
                    user.save()
                    audit_record(
                        actor=actor,
                        action="user.create",
                        obj=user,
                        after={"role": role, "region": region, "demo": True},
                    )
                out.append((username, user.get_role_display(), stored[username]))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(stored, f, indent=1)
        return out

    def _people(self, people: int, seed: int) -> None:
        from berdaya.accounts.services import system_user
        from berdaya.registry.models import Person, Source
        from berdaya.registry.services import people_load
        from berdaya.registry.synth_proposals import generate_all

        if Person.objects.filter(source=Source.DEMO).count() >= people:
            self.stdout.write("Demo people already loaded.")
            return
        out = Path(settings.VAR_DIR) / "demo"
        register = out / "register.csv"
        if not all((out / f"truth_{code}.csv").exists() for code in DEMO_PROGRAMS):
            generate_all(people, seed, out, year=DEMO_YEAR)
        with open(register, encoding="utf-8", newline="") as f:
            n = people_load(
                actor=system_user(),
                rows=csv.DictReader(f),
                source=Source.DEMO,
                note=f"berdaya demo --people {people} --seed {seed}",
            )
        self.stdout.write(f"Demo register: {n} people loaded.")

    def _proposals(self) -> None:
        """The register, past recipients and this year's WRSE proposals, verified."""
        from berdaya.accounts.models import User
        from berdaya.accounts.services import system_user
        from berdaya.intake.models import Proposal
        from berdaya.intake.services import proposals_upload
        from berdaya.programs.services import program_by_code, program_year_for, recipients_import
        from berdaya.registry.institutions import institutions_import
        from berdaya.registry.models import Institution, RegisterRecord
        from berdaya.registry.register_import import register_import_create, register_import_run
        from berdaya.verification.services import verify

        out = Path(settings.VAR_DIR) / "demo"
        actor = system_user()
        if not RegisterRecord.objects.exists():
            run = register_import_create(
                actor=actor, path=str(out / "register.csv"), file_name="DTKS-Kaltim-demo.csv"
            )
            run = register_import_run(run.pk)
            self.stdout.write(f"Demo national register: {run.inserted} rows.")
        institutions = out / "institutions.csv"
        if institutions.exists() and not Institution.objects.exists():
            with open(institutions, "rb") as f:
                counts = institutions_import(actor=actor, fileobj=f, file_name=institutions.name)
            self.stdout.write(f"Demo LKS register: {counts['new']} institutions.")
        operators = {u.region_id: u for u in User.objects.filter(role="operator")}
        verifier = User.objects.get(username="verifikator")
        for code in DEMO_PROGRAMS:
            files = sorted((out / "proposals").glob(f"{code}_*.csv"))
            if not files:
                continue
            py, _notice = program_year_for(actor=actor, program=code, year=DEMO_YEAR)
            if Proposal.objects.filter(program_year=py).exists():
                continue
            recipients = out / f"recipients_{code}.csv"
            if recipients.exists():
                with open(recipients, "rb") as f:
                    recipients_import(
                        actor=actor,
                        program=program_by_code(code),
                        year=DEMO_YEAR - 1,
                        fileobj=f,
                        file_name=recipients.name,
                    )
            for path in files:
                data = path.read_bytes()
                if data.count(b"\n") < 2:
                    continue
                region = path.stem.split("_", 1)[1]
                proposals_upload(
                    actor=operators.get(region, actor),
                    program_year=py,
                    region=region,
                    upload=SimpleUploadedFile(path.name, data),
                )
            run = verify(actor=verifier, program_year=py)
            self.stdout.write(f"Demo {code} {DEMO_YEAR}: {run.total} proposals verified.")
