from django.urls import path

from madoguchi.subcontracts import views

app_name = "subcontracts"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("links/", views.intake_links, name="links"),
    path("links/<int:link_pk>/revoke/", views.intake_link_revoke, name="link-revoke"),
    path("agents/<int:agent_pk>/requests/", views.agent_panel, name="agent-panel"),
    path("<int:request_pk>/", views.request_detail, name="detail"),
    path("<int:request_pk>/accept/", views.request_accept, name="accept"),
    path("<int:request_pk>/decline/", views.request_decline, name="decline"),
    path("<int:request_pk>/recheck/", views.request_recheck, name="recheck"),
]

intake_urlpatterns = [
    path("<str:intake_token>/", views.intake_form, name="form"),
]
