import io
import json

from django.core.management import call_command
from django.test import override_settings

from berdaya.accounts.models import User
from berdaya.intake.models import Proposal
from berdaya.registry.models import Institution, Person, RegisterRecord
from berdaya.verification.models import Verification


def test_demo_loads_every_role_and_is_safe_to_run_again(db, tmp_path):
    with override_settings(VAR_DIR=tmp_path):
        out = io.StringIO()
        call_command("demo", "--people", "3000", stdout=out)
        text = out.getvalue()
        counts = (
            Person.objects.count(),
            RegisterRecord.objects.count(),
            Proposal.objects.count(),
            Verification.objects.count(),
        )
        assert counts[0] == 3000 and counts[1] == 3000
        assert counts[2] > 20 and counts[3] == counts[2]
        # Every programme of the seeds has proposals with verdicts of each kind.
        for code in ("WRSE", "KUBE", "LKS", "PPKS"):
            verdicts = set(
                Verification.objects.filter(proposal__program_year__program__code=code).values_list(
                    "verdict", flat=True
                )
            )
            assert "eligible" in verdicts and "ineligible" in verdicts, (code, verdicts)
        assert Institution.objects.count() > 50
        signins = json.loads((tmp_path / "demo_signins.json").read_text())
        roles = set(User.objects.filter(username__in=signins).values_list("role", flat=True))
        assert roles == {
            "province_admin",
            "province_verifier",
            "head_of_office",
            "operator",
            "facilitator",
            "viewer",
            "partner",
        }
        for username, password in signins.items():
            assert username in text and password in text
            assert User.objects.get(username=username).check_password(password)
        call_command("demo", "--people", "3000", stdout=io.StringIO())
        assert (
            Person.objects.count(),
            RegisterRecord.objects.count(),
            Proposal.objects.count(),
            Verification.objects.count(),
        ) == counts
        assert json.loads((tmp_path / "demo_signins.json").read_text()) == signins
