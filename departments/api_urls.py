"""Tenant staff API under /api/v1/<municipality-slug>/ (DESIGN.md 10).

Namespaced: the tenant's HTML pages use the same short names (`department-list`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from departments.api.checkpoints import AuditCheckpointTakeView
from departments.api.departments import DepartmentViewSet
from departments.api.invitations import InvitationViewSet
from departments.api.memberships import MembershipViewSet
from departments.api.people import PersonViewSet

app_name = "tenant_api"

router = SimpleRouter()
router.register("departments", DepartmentViewSet, basename="department")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("people", PersonViewSet, basename="person")
router.register("invitations", InvitationViewSet, basename="invitation")

urlpatterns = [
    *router.urls,
    path("audit/checkpoints/", AuditCheckpointTakeView.as_view(), name="audit-checkpoint-take"),
]
