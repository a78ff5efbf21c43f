from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import APIRootView

from core.api.docs import ApiDocsView, ApiRedocView
from core.health import healthz
from core.metrics import metrics

# The apps whose API lives under /api/v1/, each with its own router, in the order of their layers.
API_APPS = [
    "core",
    "registry",
    "ratings",
    "platforms",
    "supervision",
    "procurement",
    "evaluations",
    "reports",
    "jobs",
    "integration",
]


def api_root_links() -> dict[str, str]:
    """Every resource's list, by its prefix, for the API root (each app's router keeps its own)."""
    routers = [import_module(f"{app}.api.urls").router for app in API_APPS]
    links = {prefix: f"{basename}-list" for router in routers for prefix, _viewset, basename in router.registry}
    return {**links, "stats": "stats", "procurement-totals": "procurement-totals"}


def favicon(request):
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))


class ApiRootView(APIRootView):
    schema = None  # not a resource: left out of the OpenAPI document


api_v1 = [path("", include(f"{app}.api.urls")) for app in API_APPS]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index"), name="home"),  # the only site for people
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", ApiRootView.as_view(api_root_dict=api_root_links()), name="api-root"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="api-redoc"),
    # The public register (DESIGN §11): no login, public facts only.
    path("public/", include("public.urls")),
    path("api/public/v1/", include("public.api.urls")),
    path("open-data/", include("public.opendata_urls")),
]

# The benchmark's yardstick view (bench/views.py): only when BENCH_VIEWS=1, never in production.
if settings.REGISTRY_BENCH_VIEWS:
    urlpatterns.append(path("bench/", include("bench.urls")))
