from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from core.api.docs import ApiDocsView, ApiRedocView

api_v1 = [
    path("", include("core.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("ratings.api.urls")),
    path("", include("platforms.api.urls")),
    path("", include("procurement.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="api-redoc"),
]

# The benchmark's yardstick view (bench/views.py): only when BENCH_VIEWS=1, never in production.
if settings.REGISTRY_BENCH_VIEWS:
    urlpatterns.append(path("bench/", include("bench.urls")))
