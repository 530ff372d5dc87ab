"""The facts page (staff): the catalog's unverified facts and the organization's own
confirmations."""

from django.urls import path

from madoguchi.directory import views

urlpatterns = [
    path("", views.facts_home, name="home"),
    path("<int:org_id>/", views.fact_list, name="list"),
    path(
        "<int:org_id>/confirmations/<int:confirmation_id>/delete/",
        views.confirmation_delete,
        name="confirmation-delete",
    ),
    path(
        "<int:org_id>/desks/<slug:party>/<slug:desk>/",
        views.desk_override,
        name="desk-override",
    ),
    path(
        "<int:org_id>/desks/<slug:party>/<slug:desk>/withdraw/",
        views.desk_override_delete,
        name="desk-override-delete",
    ),
]
