"""Procurement API routes (DESIGN.md 10): `urlpatterns` join the tenant staff API under
/api/v1/<municipality-slug>/ (namespace `tenant_api`, shared with departments.api_urls, see
p3hub/urls.py); `public_urlpatterns` are /api/v1/public/ (namespace `public_api`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from procurements.api import (
    ApprovalViewSet,
    CriterionViewSet,
    LineItemViewSet,
    ParticipationViewSet,
    PublicSolicitationViewSet,
    SolicitationViewSet,
    SplitVersionViewSet,
)

# Nested resources hang off one solicitation, named by its reference (RIV-2026-0001).
SOLICITATION = r"solicitations/(?P<reference>[^/.]+)"

router = SimpleRouter()
router.register("solicitations", SolicitationViewSet, basename="solicitation")
router.register(f"{SOLICITATION}/line-items", LineItemViewSet, basename="line-item")
router.register(f"{SOLICITATION}/participations", ParticipationViewSet, basename="participation")
router.register(
    f"{SOLICITATION}/cost-split-versions", SplitVersionViewSet, basename="cost-split-version"
)
router.register("approvals", ApprovalViewSet, basename="approval")

urlpatterns = [
    *router.urls,
    # GET lists the criteria, PUT replaces them all: one resource, no per-criterion URLs.
    path(
        "solicitations/<str:reference>/criteria/",
        CriterionViewSet.as_view({"get": "list", "put": "update"}),
        name="criterion-list",
    ),
]

public_urlpatterns = [
    path(
        "solicitations/",
        PublicSolicitationViewSet.as_view({"get": "list"}),
        name="solicitation-list",
    ),
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/",
        PublicSolicitationViewSet.as_view({"get": "retrieve"}),
        name="solicitation-detail",
    ),
]
