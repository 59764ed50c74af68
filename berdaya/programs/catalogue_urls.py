from django.urls import path

from berdaya.programs import catalogue_views as views

app_name = "catalogue"
urlpatterns = [
    path("", views.item_list, name="items"),
    path("barang/baru/", views.item_new, name="item_new"),
    path("barang/<int:item_id>/", views.item_edit, name="item"),
    path("paket/", views.package_list, name="packages"),
    path("paket/baru/", views.package_new, name="package_new"),
    path("paket/<int:package_id>/", views.package_edit, name="package"),
]
