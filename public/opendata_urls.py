from django.urls import path

from public import opendata_views

app_name = "open-data"

urlpatterns = [
    path("", opendata_views.index, name="index"),
    path("<str:release>/<str:name>", opendata_views.release_file, name="file"),
]
