"""The calendar pages, under /calendar/ (madoguchi/urls.py)."""

from django.urls import path

from madoguchi.sitefiles import calendar_views as views

app_name = "calendar"

urlpatterns = [
    path("", views.feed_page, name="page"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("site-<int:site_pk>.ics", views.site_ics, name="site"),
    path("case-<int:case_pk>.ics", views.case_ics, name="case"),
]
