from django.urls import path

from bench.views import minimal_organization_list

urlpatterns = [path("minimal/organizations/", minimal_organization_list, name="bench-minimal-organizations")]
