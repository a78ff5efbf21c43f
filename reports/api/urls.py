from django.urls import path
from rest_framework.routers import SimpleRouter

from reports.api import views

router = SimpleRouter()
urlpatterns = [path("stats/", views.StatsView.as_view(), name="stats"), *router.urls]
