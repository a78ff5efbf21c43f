from django.urls import path, re_path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.search, name="search"),
    path("organizations/<str:uscc>/", views.organization, name="organization"),
    path("credit-lists/", views.credit_lists, name="credit-lists"),
    path("filings/", views.townships, name="townships"),
    re_path(r"^filings/(?P<code>[0-9]{9})/$", views.township, name="township"),
    path("certificates/<int:evaluation_id>/", views.certificate, name="certificate"),
]
