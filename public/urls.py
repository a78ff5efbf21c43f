from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.search, name="search"),
    path("organizations/<str:uscc>/", views.organization, name="organization"),
    path("credit-lists/", views.credit_lists, name="credit-lists"),
    path("filings/", views.townships, name="townships"),
    path("filings/<str:code>/", views.township, name="township"),
    path("certificates/<int:evaluation_id>/", views.certificate, name="certificate"),
]
