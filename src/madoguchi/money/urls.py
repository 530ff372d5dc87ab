from django.urls import path

from madoguchi.money import views

app_name = "money"
urlpatterns = [path("", views.ranking, name="ranking")]
