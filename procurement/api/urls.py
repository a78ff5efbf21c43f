from django.urls import path
from rest_framework.routers import SimpleRouter

from procurement.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet)
router.register("project-caps", views.ProjectCapViewSet)
router.register("purchased-services", views.PurchasedServiceProjectViewSet)
router.register("service-demands", views.ServiceDemandViewSet)
router.register("demand-responses", views.DemandResponseViewSet)
router.register("transferred-functions", views.TransferredFunctionViewSet)
urlpatterns = [
    path("procurement-totals/", views.ProcurementTotalsView.as_view(), name="procurement-totals"),
    *router.urls,
]
