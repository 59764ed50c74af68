from django.urls import path

from berdaya.core import personal_data_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit"),
    path("berkas/<uuid:file_id>/", views.file_download, name="file"),
    path("data-pribadi/", personal_data_views.personal_data_request, name="personal_data"),
]
