"""The whole-site pages, named in the `sites:` namespace with sites.urls (madoguchi/urls.py)."""

from django.urls import path

from madoguchi.sitefiles import offline_views, views

urlpatterns = [
    path("import/", views.site_import, name="import"),
    path("<int:pk>/", views.site_detail, name="detail"),
    path("<int:pk>/export/", views.site_export, name="export"),
]
urlpatterns += [
    path("cards/", views.cards_batch_start, name="cards"),
    path("cards/<int:batch_pk>/", views.card_batch, name="card-batch"),
    path("cards/<int:batch_pk>/cards.pdf", views.card_batch_file, name="card-batch-file"),
    path("<int:pk>/card.pdf", views.site_card_pdf, name="card"),
]
urlpatterns += [
    path("contacts.vcf", offline_views.customer_contacts, name="contacts"),
    path("<int:pk>/contacts.vcf", offline_views.site_contacts, name="site-contacts"),
    path("<int:pk>/offline/", offline_views.site_offline_page, name="offline"),
    path("<int:pk>/offline.html", offline_views.site_offline_file, name="offline-file"),
]
