"""Backup and restore: a round trip brings back every row of every table and every file."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from berdaya.core.backup import BackupError, backup, restore
from berdaya.core.files import stored_file_save
from berdaya.core.models import StoredFile
from berdaya.registry.models import Person
from tests.conftest import SAMARINDA_VILLAGE


def every_table() -> dict[str, str]:
    """A digest of each table's rows, in a stable order."""
    out = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(map(str, row))) for row in cursor.fetchall())
            out[table] = hashlib.sha256("\n".join(rows).encode()).hexdigest() + f":{len(rows)}"
    return out


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(users, person_factory, tmp_path, capsys):
    siti = person_factory(village=SAMARINDA_VILLAGE, name="Siti Rahmah")
    doc = stored_file_save(
        actor=users["admin"],
        owner=siti,
        kind="ktp",
        upload=SimpleUploadedFile(
            "ktp.pdf", b"%PDF-1.4\n% ktp\n%%EOF\n", content_type="application/pdf"
        ),
    )
    before = every_table()
    out = io.StringIO()
    call_command("backup", str(tmp_path / "b"), stdout=out)
    assert "tables" in out.getvalue()
    # Everything changes after the backup: a person goes, a file goes, another person comes.
    Person.objects.filter(pk=siti.pk).delete()
    with doc.file.open("rb") as f:
        original = f.read()
    doc.file.storage.delete(doc.file.name)
    person_factory(village=SAMARINDA_VILLAGE, name="Nur Aisyah")
    assert every_table() != before
    call_command("restore", str(tmp_path / "b"), "--yes", stdout=io.StringIO())
    after = every_table()
    # The restore is itself audited: only the audit tables gained that one event.
    audit = {"core_auditevent", "core_auditchange"}
    assert {t: d for t, d in after.items() if t not in audit} == {
        t: d for t, d in before.items() if t not in audit
    }
    from berdaya.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="backup.restore").count() == 1
    assert not AuditEvent.objects.filter(action="backup.create").exists()  # made after the copy
    restored = StoredFile.objects.get(pk=doc.pk)
    with restored.file.open("rb") as f:
        assert f.read() == original
    with capsys.disabled():
        print(f"\nbackup round trip: {len(before)} tables compared on {connection.vendor}")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_and_needs_yes(users, tmp_path):
    backup(tmp_path / "b")
    with pytest.raises(SystemExit) as exc:
        call_command("restore", str(tmp_path / "b"), stdout=io.StringIO(), stderr=io.StringIO())
    assert exc.value.code == 2
    (tmp_path / "b" / "private.tar").write_bytes(b"broken")
    with pytest.raises(BackupError, match="damaged"):
        restore(tmp_path / "b")
    with pytest.raises(BackupError, match="not empty"):
        backup(tmp_path / "b")
