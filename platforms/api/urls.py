from rest_framework.routers import SimpleRouter

from platforms.api import views

router = SimpleRouter()
router.register("platforms", views.PlatformViewSet)
router.register("platform-assessments", views.StandardisationAssessmentViewSet)
router.register("platform-ratings", views.PlatformRatingViewSet)
router.register("platform-funding", views.PlatformFundingViewSet)
router.register("platform-incubations", views.IncubationViewSet)
router.register("filing-supports", views.FilingSupportViewSet)
urlpatterns = router.urls
