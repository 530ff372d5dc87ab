from django.urls import path

from madoguchi.sites import views

app_name = "sites"

urlpatterns = [
    path("", views.site_list, name="list"),
    path("import/", views.site_import, name="import"),
    path("<int:pk>/", views.site_detail, name="detail"),
    path("<int:pk>/export/", views.site_export, name="export"),
    path("<int:pk>/trouble/", views.trouble_update, name="trouble"),
    path("<int:pk>/contracts/add/", views.contract_edit, name="contract-add"),
    path("<int:pk>/contracts/<int:contract_pk>/", views.contract_edit, name="contract-edit"),
    path(
        "<int:pk>/contracts/<int:contract_pk>/delete/",
        views.contract_delete,
        name="contract-delete",
    ),
    path("<int:pk>/events/add/", views.event_edit, name="event-add"),
    path("<int:pk>/events/<int:event_pk>/", views.event_edit, name="event-edit"),
    path("<int:pk>/events/<int:event_pk>/delete/", views.event_delete, name="event-delete"),
]
