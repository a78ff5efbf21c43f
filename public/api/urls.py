from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from public.api import views

app_name = "public-api"

urlpatterns = [
    path("organizations/", views.PublicOrganizationListView.as_view(), name="organizations"),
    path("organizations/<str:uscc>/", views.PublicOrganizationDetailView.as_view(), name="organization"),
    path(
        "schema/",
        SpectacularAPIView.as_view(
            urlconf="public.api.schema_urls",
            authentication_classes=[],
            permission_classes=[],
            custom_settings={
                "TITLE": "宁波市社会组织公示核验 API",
                "DESCRIPTION": "Anonymous verification API of the public register (docs/api.md, public API).",
                "VERSION": "1.0.0",
                "SCHEMA_PATH_PREFIX": "/api/public/v1",
                "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
                "PREPROCESSING_HOOKS": [],
            },
        ),
        name="schema",
    ),
]
