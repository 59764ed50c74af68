from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("berdaya.core.urls")),
    path("", include("berdaya.accounts.urls")),
    path("", include("berdaya.registry.urls")),
    path("wilayah/", include("berdaya.regions.urls")),
    path("program/katalog/", include("berdaya.programs.catalogue_urls")),
    path("program/", include("berdaya.programs.urls")),
    path("usulan/", include("berdaya.intake.urls")),
    path("usulan/", include("berdaya.verification.urls")),
    path("", include("berdaya.allocation.urls")),
    path("", include("berdaya.distribution.urls")),
    path("", include("berdaya.monitoring.urls")),
    path("", include("berdaya.reports.urls")),
    path("", include("berdaya.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
