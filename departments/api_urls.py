"""Tenant staff API under /api/v1/<municipality-slug>/ (DESIGN.md 10).

Namespaced: the tenant's HTML pages use the same short names (`department-list`)."""

from rest_framework.routers import SimpleRouter

from departments.api.departments import DepartmentViewSet
from departments.api.memberships import MembershipViewSet

app_name = "tenant_api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("memberships", MembershipViewSet, basename="membership")

urlpatterns = router.urls
