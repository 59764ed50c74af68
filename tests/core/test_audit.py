import datetime as dt

from django.utils import timezone

from berdaya.core.audit import audit_record, changed, snapshot
from berdaya.core.models import AuditEvent


def test_snapshot_and_changed(users, person_factory):
    person = person_factory()
    before = snapshot(person, ["name", "birth_date", "village", "decile"])
    assert before["birth_date"] == person.birth_date.isoformat()
    assert before["village"] == person.village_id
    b, a = changed(before, {**before, "decile": 1})
    assert (b, a) == ({"decile": 2}, {"decile": 1})


def test_audit_page_filters_and_masks(client, users, person_factory):
    person = person_factory()
    audit_record(
        actor=users["op_smd"],
        action="person.update",
        obj=person,
        before={"nik": "6472015203850001"},
        after={"nik": "6472015203850002"},
    )
    client.force_login(users["viewer"])
    page = client.get("/audit/?username=op.smd").content.decode()
    assert "person.update" in page
    assert "6472015203850002" not in page and "6472********0002" in page
    page = client.get("/audit/?username=tidak.ada").content.decode()
    assert "person.update" not in page
    today = timezone.localdate()
    page = client.get(f"/audit/?date_from={today + dt.timedelta(days=1)}").content.decode()
    assert "person.update" not in page
    page = client.get(f"/audit/?object_type=registry.person&object_id={person.pk}")
    assert "person.update" in page.content.decode()
    export = client.get("/audit/?format=xlsx")
    assert export.status_code == 200
    assert AuditEvent.objects.filter(action="export", actor=users["viewer"]).exists()
    for role in ("op_smd", "verifier", "facilitator", "partner"):
        client.force_login(users[role])
        assert client.get("/audit/").status_code == 403


def test_language_switch(client, users):
    client.force_login(users["admin"])
    assert "Penduduk" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "People" in page and "Penduduk" not in page
