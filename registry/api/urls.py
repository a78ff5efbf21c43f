from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter()
router.register("divisions", views.DivisionViewSet)
router.register("organizations", views.OrganizationViewSet)
urlpatterns = router.urls
