from django.contrib.auth import views as auth_views
from django.urls import path

from berdaya.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.SignInView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("akun/", views.profile, name="profile"),
    path("akun/kata-sandi/", views.password_change, name="password_change"),
    path("pengguna/", views.user_list, name="user_list"),
    path("pengguna/baru/", views.user_new, name="user_new"),
    path("pengguna/<int:user_id>/", views.user_edit, name="user_edit"),
    path("pengguna/<int:user_id>/kata-sandi/", views.user_password, name="user_password"),
]
