"""The bill-file pages, under /sites/ (named in the `sites:` namespace by madoguchi/urls.py)."""

from django.urls import path

from madoguchi.bills import views

urlpatterns = [
    path("<int:pk>/bills/import/", views.bills_import, name="bills-import"),
    path("<int:pk>/bills/export.csv", views.bills_export, name="bills-export"),
    path("bills/import/", views.bills_import_sheet, name="bills-import-sheet"),
    path("bills/imports/<int:pk>/", views.bills_progress, name="bills-progress"),
]
