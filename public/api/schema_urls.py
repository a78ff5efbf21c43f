"""The URL configuration the public API's own OpenAPI document is generated from: its paths alone."""

from django.urls import include, path

urlpatterns = [path("api/public/v1/", include("public.api.urls"))]
