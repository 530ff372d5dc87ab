from django.urls import path

from madoguchi.receivables import views

app_name = "receivables"

urlpatterns = [
    path("", views.receivable_list, name="list"),
    path("add/", views.receivable_add, name="add"),
    path("<int:receivable_pk>/", views.receivable_detail, name="detail"),
    path("<int:receivable_pk>/pay/", views.receivable_pay, name="pay"),
    path("agents/<int:agent_pk>/", views.agent_receivables, name="agent"),
    path("agents/<int:agent_pk>/payments/", views.agent_panel, name="agent-panel"),
    path("panel/", views.desk_panel, name="panel"),
    path("agents/<int:agent_pk>/letter.<str:fmt>", views.agent_letter, name="letter"),
]
