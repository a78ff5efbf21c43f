from rest_framework.routers import SimpleRouter

from jobs.api import views

router = SimpleRouter()
router.register("exports", views.ExportJobViewSet)
urlpatterns = router.urls
