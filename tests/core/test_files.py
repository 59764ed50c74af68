import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from berdaya.core.files import stored_file_save
from berdaya.core.models import AuditEvent, StoredFile
from tests.conftest import BALIKPAPAN_VILLAGE


def jpeg(size=(3000, 1500)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "JPEG")
    return buf.getvalue()


def test_image_is_resized_and_stored_privately(users, person_factory, settings):
    person = person_factory()
    stored = stored_file_save(
        actor=users["op_smd"],
        owner=person,
        kind="ktp",
        upload=SimpleUploadedFile("ktp.jpeg", jpeg(), content_type="image/jpeg"),
    )
    with Image.open(stored.file.open("rb")) as img:
        assert max(img.size) == 2000
    assert stored.region_code == person.village_id
    assert str(settings.VAR_DIR / "private") in stored.file.path
    assert AuditEvent.objects.filter(action="file.upload", actor=users["op_smd"]).count() == 1


@pytest.mark.parametrize(
    "name,content",
    [("x.pdf", b"MZ\x90\x00 not a pdf"), ("x.jpg", b""), ("x.html", b"<script>alert(1)</script>")],
)
def test_unexpected_files_are_refused(users, person_factory, name, content):
    person = person_factory()
    with pytest.raises(ValidationError):
        stored_file_save(
            actor=users["admin"], owner=person, upload=SimpleUploadedFile(name, content)
        )
    assert StoredFile.objects.count() == 0


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_size_limit(users, person_factory):
    person = person_factory()
    with pytest.raises(ValidationError, match="MB"):
        stored_file_save(
            actor=users["admin"],
            owner=person,
            upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 5000),
        )


def test_file_is_served_only_within_region(client, users, person_factory):
    own = person_factory()
    other = person_factory(village=BALIKPAPAN_VILLAGE, name="Ani")
    files = [
        stored_file_save(
            actor=users["admin"], owner=p, upload=SimpleUploadedFile("s.pdf", b"%PDF-1.4 test")
        )
        for p in (own, other)
    ]
    client.force_login(users["op_smd"])
    assert client.get(f"/berkas/{files[0].pk}/").status_code == 200
    assert client.get(f"/berkas/{files[1].pk}/").status_code == 404
    client.force_login(users["partner"])
    assert client.get(f"/berkas/{files[0].pk}/").status_code == 404
    client.force_login(users["verifier"])
    response = client.get(f"/berkas/{files[1].pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
