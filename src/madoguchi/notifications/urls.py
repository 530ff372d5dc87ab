from django.urls import path

from madoguchi.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.channel_list, name="list"),
    path("new/", views.channel_new, name="new"),
    path("line/", views.line_account, name="line"),
    path("log/", views.delivery_log, name="log"),
    path("<int:channel_id>/edit/", views.channel_edit, name="edit"),
    path("<int:channel_id>/delete/", views.channel_delete, name="delete"),
    path("<int:channel_id>/active/", views.channel_active, name="active"),
    path("<int:channel_id>/secret/", views.channel_secret, name="secret"),
    path("<int:channel_id>/test/", views.channel_test, name="test"),
]

# A site's customer contacts, under /sites/<site_pk>/contacts/.
contact_urlpatterns = [
    path("", views.contact_list, name="list"),
    path("<int:contact_id>/edit/", views.contact_edit, name="edit"),
    path("<int:contact_id>/delete/", views.contact_delete, name="delete"),
]
