from django.urls import path

from berdaya.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("baru/", views.program_new, name="new"),
    path("kategori-ppks/", views.category_list, name="categories"),
    path("kategori-ppks/<str:category_code>/", views.category_edit, name="category"),
    path("<str:code>/", views.program_detail, name="detail"),
    path("<str:code>/tahun/", views.program_year_new, name="year_new"),
    path("<str:code>/penerima-lalu/", views.recipients_upload, name="recipients"),
    path("<str:code>/<int:year>/", views.program_year_detail, name="year"),
]
