from rest_framework.routers import SimpleRouter

from integration.api import views

router = SimpleRouter()
router.register("feed", views.FeedViewSet, basename="feed")
router.register("webhooks", views.WebhookViewSet)
router.register("webhook-deliveries", views.WebhookDeliveryViewSet)
urlpatterns = router.urls
