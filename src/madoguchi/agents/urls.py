from django.urls import path

from madoguchi.agents import views

app_name = "agents"

urlpatterns = [
    path("", views.agent_list, name="list"),
    path("new/", views.agent_edit, name="new"),
    path("<int:pk>/", views.agent_detail, name="detail"),
    path("<int:pk>/edit/", views.agent_edit, name="edit"),
    path("<int:pk>/status/", views.agent_status, name="status"),
]
