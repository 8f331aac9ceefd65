"""/api/v1/<slug>/audit/checkpoints/: every member lists the city's audit checkpoints (as the
public endpoint does); a tenant admin POSTs to take today's now (p3hub.checkpoints: one per
day, the first stands; 201 when new, 200 when it existed)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import SAFE_METHODS, BasePermission

from departments.api.base import TenantAPIMixin
from p3hub.api.checkpoints import CHECKPOINT, CheckpointSerializer
from p3hub.audit import chain_key_for
from p3hub.checkpoints import audit_checkpoint_take, checkpoints_of
from p3hub.models import AuditCheckpoint

ADMINS_ONLY = "Only a tenant admin may take an audit checkpoint."


class TenantAdminsTake(BasePermission):
    """Every member reads; only tenant admins take one."""

    message = ADMINS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_admin


class AuditCheckpointTakeView(TenantAPIMixin, generics.GenericAPIView):
    model = AuditCheckpoint
    serializer_class = CheckpointSerializer
    default_permissions = (TenantAdminsTake,)

    @extend_schema(
        tags=["audit"],
        operation_id="audit_checkpoint_list",
        description="This municipality's audit checkpoints, newest first (any member).",
        examples=[OpenApiExample("A day's checkpoint", value=CHECKPOINT, response_only=True)],
    )
    def get(self, request, municipality_slug):
        return self.render_page(checkpoints_of(chain_key_for(self.municipality)))

    @extend_schema(
        tags=["audit"],
        operation_id="audit_checkpoint_take",
        request=None,
        responses={201: CheckpointSerializer, 200: CheckpointSerializer},
        description=(
            "Take today's audit checkpoint of this municipality's chain now (tenant admins). "
            "One per local day: if today's exists (the daily one, or an earlier request), it "
            "is returned unchanged with 200."
        ),
        examples=[OpenApiExample("Today's checkpoint", value=CHECKPOINT, response_only=True)],
    )
    def post(self, request, municipality_slug):
        checkpoint, created = audit_checkpoint_take(chain_key_for(self.municipality))
        return self.render(
            CheckpointSerializer,
            checkpoint,
            status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
