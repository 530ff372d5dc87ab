from django.urls import path

from madoguchi.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("suggestions/", views.suggestions_panel, name="suggestions-panel"),
    path("figures/", views.figures_panel, name="figures-panel"),
    path("cases/<int:case_pk>/panel/", views.case_panel, name="case-panel"),
    path("suggestions/confirm/", views.suggestion_confirm, name="confirm"),
    path("suggestions/dismiss/", views.suggestion_dismiss, name="dismiss"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/call/", views.incident_call, name="call"),
    path("<int:pk>/cases/", views.incident_add_cases, name="add-cases"),
    path("<int:pk>/cases/<int:case_pk>/remove/", views.incident_remove_case, name="remove-case"),
    path("<int:pk>/end/", views.incident_end, name="end"),
    path("<int:pk>/status-link/", views.incident_status_link, name="status-link"),
]

status_urlpatterns = [
    path("<str:status_token>/", views.status_page, name="page"),
]
