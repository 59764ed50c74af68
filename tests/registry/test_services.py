import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from berdaya.core.models import AuditEvent
from berdaya.registry.models import Household, Person
from berdaya.registry.services import person_create, person_update
from tests.conftest import BALIKPAPAN_VILLAGE, SAMARINDA_VILLAGE, make_nik


def fields(**over):
    birth = over.pop("birth_date", dt.date(1980, 5, 17))
    base = dict(
        nik=make_nik(SAMARINDA_VILLAGE, birth, "P"),
        kk=make_nik(SAMARINDA_VILLAGE, dt.date(2010, 2, 2), "L"),
        name="Hj. Siti Rahmawati",
        birth_place="Samarinda",
        birth_date=birth,
        sex="P",
        address="Jl. Pangeran Antasari RT 012",
        village=SAMARINDA_VILLAGE,
        relation="KEPALA KELUARGA",
        occupation="PEDAGANG",
        decile=2,
    )
    base.update(over)
    return base


def test_operator_adds_person_with_household_and_audit(users):
    person, warnings = person_create(actor=users["op_smd"], **fields())
    assert warnings == []
    assert person.regency_id == "64.72"
    assert person.household.kk == person.kk
    event = AuditEvent.objects.get(action="person.create")
    assert event.actor == users["op_smd"]
    assert event.after["name"] == "Hj. Siti Rahmawati"
    assert event.region_code == SAMARINDA_VILLAGE
    assert person.nik not in event.object_repr  # the audit list shows a masked NIK


def test_operator_cannot_add_in_another_region(users):
    with pytest.raises(ValidationError) as exc:
        person_create(actor=users["op_smd"], **fields(village=BALIKPAPAN_VILLAGE))
    assert "village" in exc.value.message_dict
    assert Person.objects.count() == 0


@pytest.mark.parametrize("role", ["viewer", "head", "facilitator", "partner", "verifier"])
def test_roles_without_edit_right_cannot_add(users, role):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        person_create(actor=users[role], **fields())


def test_bad_nik_is_refused_with_an_indonesian_message(users):
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        person_create(actor=users["op_smd"], **fields(nik="647201570580"))
    message = exc.value.message_dict["nik"][0]
    assert "16 digit" in message
    assert Person.objects.count() == 0 and Household.objects.count() == 0


def test_nik_birth_date_mismatch_is_a_warning_not_a_refusal(users):
    nik = make_nik(SAMARINDA_VILLAGE, dt.date(1980, 5, 17), "P")
    person, warnings = person_create(
        actor=users["op_smd"], **fields(nik=nik, birth_date=dt.date(1980, 6, 17))
    )
    assert person.pk and warnings


def test_duplicate_nik_is_refused(users):
    data = fields()
    person_create(actor=users["op_smd"], **data)
    with pytest.raises(ValidationError) as exc:
        person_create(actor=users["op_smd"], **{**data, "name": "Orang Lain"})
    assert "nik" in exc.value.message_dict


def test_update_records_before_and_after(users, person_factory):
    person = person_factory()
    person_update(actor=users["admin"], person=person, decile=1, occupation="NELAYAN")
    event = AuditEvent.objects.get(action="person.update")
    assert event.actor == users["admin"]
    assert event.before == {"occupation": "", "decile": 2}
    assert event.after == {"occupation": "NELAYAN", "decile": 1}


def test_update_to_another_region_is_refused(users, person_factory):
    person = person_factory()
    with pytest.raises(ValidationError):
        person_update(actor=users["op_smd"], person=person, village=BALIKPAPAN_VILLAGE)
    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Ani", birth=dt.date(1970, 1, 1))
    with pytest.raises(Http404):
        person_update(actor=users["op_smd"], person=other, decile=1)
    assert Person.objects.get(pk=person.pk).village_id == SAMARINDA_VILLAGE


def test_reveal_is_logged_and_masked_otherwise(client, users, person_factory):
    person = person_factory()
    client.force_login(users["op_smd"])
    page = client.get(f"/orang/{person.pk}/").content.decode()
    assert person.nik not in page and person.masked_nik in page
    client.post(f"/orang/{person.pk}/nik/", {"reason": "Cek KTP saat kunjungan"})
    page = client.get(f"/orang/{person.pk}/").content.decode()
    assert person.nik in page
    event = AuditEvent.objects.get(action="person.reveal")
    assert event.actor == users["op_smd"] and "KTP" in event.note
    # Shown once: the next view is masked again.
    assert person.nik not in client.get(f"/orang/{person.pk}/").content.decode()


def test_head_of_office_cannot_reveal(client, users, person_factory):
    person = person_factory()
    client.force_login(users["head"])
    assert client.post(f"/orang/{person.pk}/nik/", {"reason": "x"}).status_code == 403
    assert person.nik not in client.get(f"/orang/{person.pk}/").content.decode()


def test_export_is_masked_and_logged(client, users, person_factory):
    import io

    import openpyxl

    person = person_factory()
    client.force_login(users["op_smd"])
    response = client.get("/orang/?format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A2"].value == person.masked_nik
    assert AuditEvent.objects.filter(action="export", actor=users["op_smd"]).exists()
    client.force_login(users["head"])
    assert client.get("/orang/?format=xlsx").status_code == 403


def test_form_shows_field_errors(client, users):
    client.force_login(users["op_smd"])
    response = client.post("/orang/baru/", {**fields(nik="64720157058000AB"), "sex": "P"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "NIK" in page and "angka" in page
    assert Person.objects.count() == 0
