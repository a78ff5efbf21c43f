from django.urls import path
from rest_framework.routers import SimpleRouter

from evaluations import views
from evaluations.api import views as api_views

router = SimpleRouter()
router.register("evaluation-rounds", api_views.EvaluationRoundViewSet)
router.register("evaluation-applications", api_views.EvaluationApplicationViewSet)
router.register("objections", api_views.ObjectionViewSet)
urlpatterns = [
    # Beside ratings' evaluations/ routes: the printable certificate of a rating.
    path("evaluations/<int:pk>/certificate/", views.certificate, name="evaluation-certificate"),
    *router.urls,
]
