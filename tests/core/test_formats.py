import datetime as dt

from django.template import Context, Template
from django.utils import translation

from berdaya.core.masking import mask_nik
from berdaya.core.templatetags.berdaya import format_rupiah


def test_rupiah_in_both_languages():
    with translation.override("id"):
        assert format_rupiah(5000000) == "Rp5.000.000"
        assert format_rupiah(6_500_000_000) == "Rp6.500.000.000"
    with translation.override("en"):
        assert format_rupiah(20000000) == "Rp20,000,000"
    assert format_rupiah(None) == ""


def test_dates_in_indonesian():
    t = Template('{{ d|date:"DATE_FORMAT" }}')
    with translation.override("id"):
        assert t.render(Context({"d": dt.date(2025, 1, 14)})) == "14 Januari 2025"
    with translation.override("en"):
        assert t.render(Context({"d": dt.date(2025, 1, 14)})) == "14 January 2025"


def test_mask_nik():
    assert mask_nik("6472011203840001") == "6472********0001"
    assert mask_nik("") == ""
    assert "*" in mask_nik("647201120384000")
    assert mask_nik("647201120384000")[:2] == "64"
