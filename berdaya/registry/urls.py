from django.urls import path

from berdaya.registry import institution_views, register_views, views

app_name = "registry"
urlpatterns = [
    path("orang/", views.person_index, name="person_index"),
    path("orang/baru/", views.person_new, name="person_new"),
    path("orang/<int:person_id>/", views.person_detail, name="person_detail"),
    path("orang/<int:person_id>/ubah/", views.person_edit, name="person_edit"),
    path("orang/<int:person_id>/nik/", views.person_reveal, name="person_reveal"),
    path("orang/<int:person_id>/dokumen/", views.person_document, name="person_document"),
    path("keluarga/<int:household_id>/", views.household_detail, name="household_detail"),
    path("lks/", institution_views.institution_index, name="institution_index"),
    path("lks/baru/", institution_views.institution_new, name="institution_new"),
    path("lks/muat/", institution_views.institution_import, name="institution_import"),
    path("lks/<uuid:institution_uid>/", institution_views.institution_detail, name="institution"),
    path(
        "lks/<uuid:institution_uid>/ubah/",
        institution_views.institution_edit,
        name="institution_edit",
    ),
    path(
        "lks/<uuid:institution_uid>/status/",
        institution_views.institution_status,
        name="institution_status",
    ),
    path("dtks/", register_views.register_search, name="register_search"),
    path("dtks/muat/", register_views.register_index, name="register"),
    path(
        "dtks/muat/<int:import_id>/", register_views.register_import_detail, name="register_import"
    ),
    path(
        "dtks/muat/<int:import_id>/ditolak/",
        register_views.register_import_report,
        name="register_report",
    ),
]
