"""Everything under /penetapan/ (decision): targets and budgets (set up in the programmes app),
ranking and approval, the budget view, decrees and objections."""

from django.urls import include, path

from berdaya.allocation import views

patterns = [
    path("", views.index, name="index"),
    path("anggaran/", views.budget, name="budget"),
    path("sk/", views.decree_list, name="decrees"),
    path("sk/<int:decree_id>/", views.decree_detail, name="decree"),
    path("sk/<int:decree_id>/ubah/", views.decree_update, name="decree_update"),
    path("sk/<int:decree_id>/tandatangani/", views.decree_sign, name="decree_sign"),
    path("sk/<int:decree_id>/buang/", views.decree_discard, name="decree_discard"),
    path("sk/<int:decree_id>/revisi/", views.decree_revise, name="decree_revise"),
    path("sk/<int:decree_id>/perubahan/", views.decree_change, name="decree_change"),
    path("sk/<int:decree_id>/pdf/", views.decree_download_pdf, name="decree_pdf"),
    path("sk/<int:decree_id>/xlsx/", views.decree_download_xlsx, name="decree_xlsx"),
    path("sk/<int:decree_id>/sanggahan/", views.objection_new, name="objection_new"),
    path("sanggahan/", views.objection_list, name="objections"),
    path("sanggahan/<int:objection_id>/", views.objection_detail, name="objection"),
    path("sanggahan/<int:objection_id>/putusan/", views.objection_act, name="objection_act"),
    path("<str:code>/<int:year>/rumus/", views.formula, name="formula"),
    path("<str:code>/<int:year>/<str:region>/", views.ranking_view, name="ranking"),
    path("<str:code>/<int:year>/<str:region>/setujui/", views.approve, name="approve"),
    path("<str:code>/<int:year>/<str:region>/batal/", views.cancel, name="cancel"),
    path("<str:code>/<int:year>/<str:region>/sk/", views.decree_new, name="decree_new"),
]

urlpatterns = [
    path("penetapan/target/", include("berdaya.programs.target_urls")),
    path("penetapan/", include((patterns, "allocation"))),
]
