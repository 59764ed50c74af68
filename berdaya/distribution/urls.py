"""Everything under /penyaluran/ (distribution), and the service worker at the site's root."""

from django.urls import include, path

from berdaya.distribution import offline, views

patterns = [
    path("", views.index, name="index"),
    path("luring/", offline.offline_page, name="offline"),
    path("bimtek/", views.session_list, name="sessions"),
    path("bimtek/baru/", views.session_new, name="session_new"),
    path("bimtek/<int:session_id>/", views.session_detail, name="session"),
    path("bimtek/<int:session_id>/ubah/", views.session_edit, name="session_edit"),
    path("bimtek/<int:session_id>/undang/", views.session_invite, name="session_invite"),
    path("bimtek/<int:session_id>/hadir/", views.session_attendance, name="session_attendance"),
    path("bimtek/<int:session_id>/lembar/", views.session_sheet, name="session_sheet"),
    path("bimtek/<int:session_id>/batal/", views.session_cancel, name="session_cancel"),
    path("bimtek/<int:session_id>/daftar-hadir.pdf", views.session_pdf, name="session_pdf"),
    path("penerima/<int:allocation_id>/", views.unit_detail, name="unit"),
    path("penerima/<int:allocation_id>/paket/", views.unit_package, name="unit_package"),
    path("penerima/<int:allocation_id>/serah-terima/", views.handover_new, name="handover_new"),
    path("serah-terima/", views.handover_list, name="handovers"),
    path("serah-terima/<int:handover_id>/", views.handover_detail, name="handover"),
    path("serah-terima/<int:handover_id>/bast.pdf", views.handover_pdf, name="handover_pdf"),
    path("serah-terima/<int:handover_id>/batal/", views.handover_void, name="handover_void"),
    path("pengadaan/", views.procurement_list, name="procurement"),
    path("pengadaan/baru/", views.procurement_new, name="procurement_new"),
    path("pengadaan/<int:procurement_id>/", views.procurement_detail, name="procurement_batch"),
    path(
        "pengadaan/<int:procurement_id>/terima/",
        views.procurement_delivery,
        name="procurement_delivery",
    ),
    path("<str:code>/<int:year>/<str:region>/", views.units, name="units"),
    path("<str:code>/<int:year>/<str:region>/paket/", views.units_package, name="units_package"),
    path("<str:code>/<int:year>/<str:region>/bast.pdf", views.batch_pdf, name="batch_pdf"),
]

urlpatterns = [
    path("sw.js", offline.service_worker, name="service_worker"),
    path("penyaluran/", include((patterns, "distribution"))),
]
