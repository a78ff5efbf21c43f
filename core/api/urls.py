from rest_framework.routers import SimpleRouter

from core.api import views

router = SimpleRouter()
router.register("changes", views.ChangeRecordViewSet)
router.register("export-log", views.ExportLogViewSet)
urlpatterns = router.urls
