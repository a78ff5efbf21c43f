from rest_framework.routers import SimpleRouter

from supervision.api import views

router = SimpleRouter()
router.register("report-deadlines", views.ReportDeadlineViewSet)
router.register("supervision-proposals", views.SupervisionProposalViewSet)
urlpatterns = router.urls
