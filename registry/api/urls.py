from rest_framework.routers import SimpleRouter

from registry.api import views

router = SimpleRouter()
router.register("divisions", views.DivisionViewSet)
router.register("organizations", views.OrganizationViewSet)
router.register("community-organizations", views.CommunityOrganizationViewSet)
router.register("annual-reports", views.AnnualReportViewSet)
router.register("penalties", views.AdministrativePenaltyViewSet)
router.register("credit-list-entries", views.CreditListEntryViewSet)
router.register("party-committees", views.ComprehensivePartyCommitteeViewSet)
router.register("party-organizations", views.PartyOrganizationViewSet)
router.register("organization-people", views.OrganizationPersonViewSet)
router.register("registration-events", views.RegistrationEventViewSet)
urlpatterns = router.urls
