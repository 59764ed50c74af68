from django.urls import path

from berdaya.registry import register_views, views

app_name = "registry"
urlpatterns = [
    path("orang/", views.person_index, name="person_index"),
    path("orang/baru/", views.person_new, name="person_new"),
    path("orang/<int:person_id>/", views.person_detail, name="person_detail"),
    path("orang/<int:person_id>/ubah/", views.person_edit, name="person_edit"),
    path("orang/<int:person_id>/nik/", views.person_reveal, name="person_reveal"),
    path("orang/<int:person_id>/dokumen/", views.person_document, name="person_document"),
    path("keluarga/<int:household_id>/", views.household_detail, name="household_detail"),
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
