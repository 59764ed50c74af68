import pytest
from django.core.exceptions import ValidationError

from berdaya.accounts.models import User
from berdaya.accounts.scope import scoped
from berdaya.accounts.services import user_create, user_update
from berdaya.core.models import AuditEvent
from berdaya.registry.models import Person
from tests.conftest import BALIKPAPAN_VILLAGE


def test_region_scope_of_each_role(users):
    assert users["admin"].region_scope is None
    assert users["viewer"].region_scope is None
    assert users["head"].region_scope is None
    assert users["op_smd"].region_scope == "64.72"
    assert users["facilitator"].region_scope == "64.72"
    assert users["partner"].region_scope == ""


def test_scoped_queryset(users, person_factory):
    person_factory()
    person_factory(village=BALIKPAPAN_VILLAGE, name="Ani")
    assert scoped(Person.objects.all(), users["op_smd"]).count() == 1
    assert scoped(Person.objects.all(), users["op_bpn"]).get().name == "Ani"
    assert scoped(Person.objects.all(), users["verifier"]).count() == 2
    assert scoped(Person.objects.all(), users["partner"]).count() == 0
    users["op_smd"].is_active = False
    assert scoped(Person.objects.all(), users["op_smd"]).count() == 0


def test_operator_needs_a_region(users):
    with pytest.raises(ValidationError) as exc:
        user_create(actor=users["admin"], username="op.baru", role="operator")
    assert "region" in exc.value.error_dict


def test_only_admins_manage_users(users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_create(actor=users["op_smd"], username="x", role="viewer")


def test_user_changes_are_audited(users):
    user = user_create(
        actor=users["admin"],
        username="pendamping.brau",
        role="facilitator",
        region_id="64.03",
        password="Kaltim-Berdaya-99",
    )
    user_update(actor=users["admin"], user=user, region_id="64.08")
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk))
    update = events.get(action="user.update")
    assert update.actor == users["admin"]
    assert update.before == {"region": "64.03"}
    assert update.after == {"region": "64.08"}
    assert User.objects.get(pk=user.pk).check_password("Kaltim-Berdaya-99")


def test_admin_cannot_lock_themselves_out(users):
    with pytest.raises(ValidationError):
        user_update(actor=users["admin"], user=users["admin"], is_active=False)


def test_user_pages(client, users):
    client.force_login(users["admin"])
    response = client.post(
        "/pengguna/baru/",
        {
            "username": "operator.kukar",
            "first_name": "Operator",
            "last_name": "Kukar",
            "role": "operator",
            "region": "64.02",
            "password": "Tenggarong-2025!",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(username="operator.kukar")
    assert created.region_id == "64.02"
    response = client.post(
        "/pengguna/baru/", {"username": "x.y", "role": "operator", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "kabupaten/kota" in response.content.decode()
    client.force_login(users["op_smd"])
    assert client.get("/pengguna/").status_code == 403
