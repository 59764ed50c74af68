from django.urls import path

from berdaya.verification import views

app_name = "verification"
urlpatterns = [
    path("", views.proposal_index, name="index"),
    path("verifikasi/", views.run_start, name="run_start"),
    path("verifikasi/<int:run_id>/", views.run_detail, name="run"),
    path("kelompok/<uuid:uid>/", views.group_detail, name="group"),
    path("<uuid:uid>/", views.proposal_detail, name="proposal"),
    path("<uuid:uid>/putusan/", views.proposal_override, name="override"),
]
