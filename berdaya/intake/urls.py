from django.urls import path

from berdaya.intake import views

app_name = "intake"
urlpatterns = [
    path("unggah/", views.upload, name="upload"),
    path("templat/", views.template, name="template"),
    path("baru/", views.proposal_new, name="new"),
    path("unggahan/<int:batch_id>/", views.batch_detail, name="batch"),
    path("unggahan/<int:batch_id>/simpan/", views.batch_save_valid, name="batch_save"),
    path("unggahan/<int:batch_id>/kesalahan/", views.batch_error_sheet, name="batch_errors"),
    path("kelompok/baru/", views.group_new, name="group_new"),
    path("kelompok/<uuid:group_uid>/anggota/", views.group_member_add, name="member_add"),
    path("<uuid:uid>/ubah/", views.proposal_edit, name="edit"),
    path("<uuid:uid>/komentar/", views.proposal_comment_add, name="comment"),
    path("<uuid:uid>/dokumen/", views.proposal_attach_file, name="attach"),
    path("<uuid:uid>/tarik/", views.proposal_withdraw_view, name="withdraw"),
]
