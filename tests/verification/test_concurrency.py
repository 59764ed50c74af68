"""Two (or twenty) verifiers overriding the same verdict at the same moment, on PostgreSQL:
exactly one wins, and the audit trail has exactly one override."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from berdaya.core.models import AuditEvent
from berdaya.verification.models import Verification
from berdaya.verification.services import verification_override, verify
from tests.verification.test_verify import PEOPLE, load_register, propose

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_overrides_of_one_verdict_have_one_winner(users, tmp_path, capsys):
    from berdaya.programs.services import program_year_for

    load_register(users, tmp_path, PEOPLE)
    py = program_year_for(actor=users["admin"], program="WRSE", year=2025)[0]
    p = propose(users, py, PEOPLE[4])
    verify(actor=users["verifier"], program_year=py)
    seen = Verification.objects.get(proposal=p).version
    threads, outcome, lock = 20, {"won": [], "lost": 0, "errors": []}, threading.Lock()
    barrier = threading.Barrier(threads)

    def clerk(i: int) -> None:
        try:
            who = users["verifier"] if i % 2 else users["admin"]
            v = Verification.objects.get(proposal=p)
            barrier.wait()
            verification_override(
                actor=who,
                verification=v,
                verdict="eligible" if i % 2 else "review",
                reason=f"Pemeriksaan lapangan nomor {i:02d} selesai",
                expected_version=seen,
            )
            with lock:
                outcome["won"].append(i)
        except ValidationError:
            with lock:
                outcome["lost"] += 1
        except Exception as exc:  # noqa: BLE001 - any other failure is the test's finding
            with lock:
                outcome["errors"].append(repr(exc))
        finally:
            connection.close()

    workers = [threading.Thread(target=clerk, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    with capsys.disabled():
        print(
            f"\nconcurrency (overrides): {threads} verifiers at once, "
            f"{len(outcome['won'])} won, {outcome['lost']} refused"
        )
    assert not outcome["errors"], outcome["errors"]
    assert len(outcome["won"]) == 1 and outcome["lost"] == threads - 1
    v = Verification.objects.get(proposal=p)
    winner = outcome["won"][0]
    assert v.version == seen + 1
    assert v.verdict == ("eligible" if winner % 2 else "review")
    assert f"{winner:02d}" in v.override_reason
    assert AuditEvent.objects.filter(action="verification.override").count() == 1
