"""Every page under /sites/, in the `sites:` namespace (madoguchi/urls.py adds the bill pages
of madoguchi.bills under the same names): the site list and the forms for a site's own rows,
then the whole-site pages (detail, import, export, cards, offline copy, contacts)."""

from django.urls import path

from madoguchi.sites import document_views, offline_views, views

urlpatterns = [
    path("", views.site_list, name="list"),
    path("new/", views.site_new, name="new"),
    path("<int:pk>/trouble/", views.trouble_update, name="trouble"),
    path("<int:pk>/live-clock/", views.live_clock, name="live-clock"),
]
for pages in views.ROW_PAGES:
    section, row_pk, name = pages.kind.section, f"<int:{pages.url}_pk>", pages.url
    urlpatterns += [
        path(f"<int:pk>/{section}/add/", views.row_edit, {"pages": pages}, name=f"{name}-add"),
        path(
            f"<int:pk>/{section}/{row_pk}/", views.row_edit, {"pages": pages}, name=f"{name}-edit"
        ),
        path(
            f"<int:pk>/{section}/{row_pk}/delete/",
            views.row_delete,
            {"pages": pages},
            name=f"{name}-delete",
        ),
    ]
urlpatterns += [
    path("import/", document_views.site_import, name="import"),
    path("<int:pk>/", document_views.site_detail, name="detail"),
    path("<int:pk>/export/", document_views.site_export, name="export"),
]
urlpatterns += [
    path("cards/", document_views.cards_batch_start, name="cards"),
    path("cards/<int:batch_pk>/", document_views.card_batch, name="card-batch"),
    path("cards/<int:batch_pk>/cards.pdf", document_views.card_batch_file, name="card-batch-file"),
    path("<int:pk>/card.pdf", document_views.site_card_pdf, name="card"),
]
urlpatterns += [
    path("contacts.vcf", offline_views.customer_contacts, name="contacts"),
    path("<int:pk>/contacts.vcf", offline_views.site_contacts, name="site-contacts"),
    path("<int:pk>/offline/", offline_views.site_offline_page, name="offline"),
    path("<int:pk>/offline.html", offline_views.site_offline_file, name="offline-file"),
]
