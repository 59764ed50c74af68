from django.urls import path

from berdaya.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="index"),
    path("<str:region_code>/", views.region_detail, name="detail"),
]
