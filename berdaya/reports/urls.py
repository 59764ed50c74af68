from django.urls import path

from berdaya.reports import views

app_name = "reports"
urlpatterns = [
    path("dasbor/", views.dashboard_view, name="dashboard"),
    path("dasbor/kelompok/", views.group_list, name="groups"),
    path("dasbor/kemiskinan/", views.poverty, name="poverty"),
    path(
        "dasbor/kemiskinan/<int:indicator_id>/hapus/",
        views.poverty_delete,
        name="poverty_delete",
    ),
    path("dasbor/laporan/", views.head_report, name="head_report"),
    path("publik/", views.public, name="public"),
]
