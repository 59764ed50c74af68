from django.urls import path

from berdaya.programs import target_views as views

app_name = "targets"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("anggaran/baru/", views.envelope_new, name="envelope_new"),
    path("anggaran/<int:envelope_id>/", views.envelope_edit, name="envelope"),
    path("<str:code>/<int:year>/", views.target_edit, name="target"),
    path("<str:code>/<int:year>/pindah/", views.transfer, name="transfer"),
]
