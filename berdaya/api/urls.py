from django.urls import include, path

from berdaya.api import views
from berdaya.api.api import api

token_patterns = [
    path("", views.token_list, name="list"),
    path("<int:token_id>/cabut/", views.revoke, name="revoke"),
]

urlpatterns = [
    path("api/", api.urls),
    path("akun/token/", include((token_patterns, "tokens"))),
]
