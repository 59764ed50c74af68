import pytest

from berdaya.regions.codes import normalize_code, regency_codes
from berdaya.regions.models import Region


def test_the_province_as_in_the_dataset(regions):
    current = Region.objects.filter(parent_id="64", level="regency", historical=False)
    assert sorted(current.values_list("code", flat=True)) == [
        "64.01",
        "64.02",
        "64.03",
        "64.07",
        "64.08",
        "64.09",
        "64.11",
        "64.71",
        "64.72",
        "64.74",
    ]
    assert Region.objects.filter(level="village", code__startswith="64.").count() == 1038
    assert Region.objects.filter(level="district", code__startswith="64.").count() == 105


def test_all_of_indonesia_down_to_districts(regions):
    assert Region.objects.filter(level="province").count() == 38
    assert Region.objects.filter(level="regency", historical=False).count() == 514
    assert Region.objects.filter(code="35.78", name="Kota Surabaya").exists()
    assert Region.objects.filter(level="district", code__startswith="73.").count() > 300


def test_north_kalimantan_codes_stay_known(regions):
    tarakan = Region.objects.get(code="64.73")
    assert tarakan.historical and tarakan.successor == "65.71"
    assert {"6404", "6405", "6406", "6410", "6473"} <= regency_codes()


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("6472", "64.72"),
        ("64.72", "64.72"),
        ("6472011001", "64.72.01.1001"),
        ("64.72.01.1001", "64.72.01.1001"),
        ("647", None),
        ("64-72", None),
        ("", None),
        ("64.7", None),
    ],
)
def test_codes_dotted_or_not(raw, expected):
    assert normalize_code(raw) == expected


def test_region_pages(client, users):
    client.force_login(users["partner"])
    page = client.get("/wilayah/").content.decode()
    assert "Kota Samarinda" in page
    page = client.get("/wilayah/6472/").content.decode()
    assert "64.72.01" in page
    assert client.get("/wilayah/99.99/").status_code == 404
    assert "Tarakan" in client.get("/wilayah/?q=64.73").content.decode()
