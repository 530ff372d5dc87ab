from django.urls import path

from madoguchi.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("stats/", views.party_stats, name="stats"),
    path("reminders/", views.reminder_settings, name="reminders"),
    path("all/", views.case_list, name="list"),
    path("open/<int:site_pk>/", views.case_open, name="open"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/log/", views.case_log, name="log"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/outage/", views.case_outage, name="outage"),
    path("<int:pk>/assign/", views.case_assign, name="assign"),
    path("<int:pk>/sender/", views.case_sender, name="sender"),
    path(
        "<int:pk>/promises/<int:promise_pk>/<str:verdict>/",
        views.promise_settle,
        name="promise-settle",
    ),
    path("<int:pk>/report.<str:fmt>", views.case_report, name="report"),
    path("<int:pk>/letter.<str:fmt>", views.case_letter, name="letter"),
]
