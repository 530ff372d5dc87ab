"""The site list and the forms for a site's own rows; madoguchi/urls.py adds the pages of
madoguchi.sitefiles (detail, import, export) under the same `sites:` names."""

from django.urls import path

from madoguchi.sites import views

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
