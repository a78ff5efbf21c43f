from rest_framework.routers import SimpleRouter

from ratings.api import views

router = SimpleRouter()
router.register("evaluations", views.EvaluationViewSet)
router.register("honours", views.HonourViewSet)
urlpatterns = router.urls
