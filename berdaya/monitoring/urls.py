"""Everything under /pemantauan/ (monitoring and evaluation)."""

from django.urls import include, path

from berdaya.monitoring import exhibition_views, referral_views, views

patterns = [
    path("", views.index, name="index"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("luring/", views.offline, name="offline"),
    path("jadwal/", views.schedule, name="schedule"),
    path("penerima/", views.units, name="units"),
    path("penerima/<int:unit_id>/", views.unit_detail, name="unit"),
    path("penerima/<int:unit_id>/pendamping/", views.unit_assign, name="unit_assign"),
    path("penerima/<int:unit_id>/tutup/", views.unit_close, name="unit_close"),
    path("penerima/<int:unit_id>/buka/", views.unit_reopen, name="unit_reopen"),
    path("kunjungan/<int:visit_id>/", views.visit_detail, name="visit"),
    path("kunjungan/<int:visit_id>/catat/", views.visit_record, name="visit_record"),
    path("kunjungan/<int:visit_id>/batal/", views.visit_cancel, name="visit_cancel"),
    path("hasil/", views.outcomes_view, name="outcomes"),
    path("rencana/", views.plans, name="plans"),
    path("rencana/<str:code>/", views.plan_edit, name="plan_edit"),
    path("rujukan/", referral_views.referral_list, name="referrals"),
    path("rujukan/baru/", referral_views.referral_new, name="referral_new"),
    path("rujukan/<uuid:referral_uid>/", referral_views.referral_detail, name="referral"),
    path(
        "rujukan/<uuid:referral_uid>/terima/",
        referral_views.referral_accept,
        name="referral_accept",
    ),
    path(
        "rujukan/<uuid:referral_uid>/catatan/", referral_views.referral_note, name="referral_note"
    ),
    path(
        "rujukan/<uuid:referral_uid>/hasil/",
        referral_views.referral_complete,
        name="referral_complete",
    ),
    path(
        "rujukan/<uuid:referral_uid>/batal/", referral_views.referral_cancel, name="referral_cancel"
    ),
    path("mitra/", referral_views.agency_list, name="agencies"),
    path("mitra/baru/", referral_views.agency_edit, name="agency_new"),
    path("mitra/<int:agency_id>/", referral_views.agency_edit, name="agency_edit"),
    path("pameran/", exhibition_views.exhibition_list, name="exhibitions"),
    path("pameran/baru/", exhibition_views.exhibition_new, name="exhibition_new"),
    path("pameran/<int:exhibition_id>/", exhibition_views.exhibition_detail, name="exhibition"),
    path(
        "pameran/<int:exhibition_id>/ubah/",
        exhibition_views.exhibition_edit,
        name="exhibition_edit",
    ),
    path(
        "pameran/<int:exhibition_id>/peserta/",
        exhibition_views.participant_add,
        name="participant_add",
    ),
    path("peserta/<int:participant_id>/", exhibition_views.participant_detail, name="participant"),
    path(
        "peserta/<int:participant_id>/hapus/",
        exhibition_views.participant_remove,
        name="participant_remove",
    ),
    path(
        "peserta/<int:participant_id>/produk/hapus/",
        exhibition_views.product_remove,
        name="product_remove",
    ),
]

urlpatterns = [path("pemantauan/", include((patterns, "monitoring")))]
