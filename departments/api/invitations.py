"""/api/v1/<slug>/invitations/: people join a municipality by invitation (tenant admins)."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from departments import selectors, services
from departments.api.base import DepartmentCodeInput, TenantAdminWrites, TenantAPIMixin
from departments.api.examples import INVITATION
from departments.models import Invitation
from p3hub.api.fields import service_codes, text_input


class InvitationSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    invited_by = serializers.CharField(source="invited_by.username")
    status = serializers.SerializerMethodField(
        help_text="pending, accepted, revoked (withdrawn), or expired (by the clock)."
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "first_name",
            "last_name",
            "role",
            "department",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_status(self, invitation) -> str:
        return "expired" if getattr(invitation, "expired", False) else invitation.status


class InvitationInput(serializers.Serializer):
    email = text_input(
        help_text="Where the invitation goes; never the inviting admin's own address.",
        validators=service_codes("required", "max_length", "invalid", "yourself"),
    )
    first_name = text_input()
    last_name = text_input()
    role = text_input(help_text="admin, officer, head or member.")
    department = DepartmentCodeInput(help_text="For heads and members: the department code.")


class AdminsOnly(TenantAdminWrites):
    """Invitations name people's addresses: tenant admins alone read and write them."""

    def has_permission(self, request, view) -> bool:
        return view.actor.is_admin


@extend_schema(tags=["invitations"])
@extend_schema_view(
    list=extend_schema(
        description="The municipality's invitations, pending ones first (tenant admins).",
        examples=[OpenApiExample("Officer", value=INVITATION, response_only=True)],
    ),
    retrieve=extend_schema(description="One invitation (tenant admins)."),
    create=extend_schema(
        description=(
            "Invite an e-mail address to a role (tenant admins; never one's own address). "
            "The invitee gets a signed link that works once, for INVITATION_DAYS days (7 unless "
            "configured): with an account "
            "for the address they sign in and accept, otherwise they make one. The answer "
            "is the same whether or not an account exists for the address."
        ),
        request=InvitationInput,
        responses={status.HTTP_201_CREATED: InvitationSerializer},
        examples=[
            OpenApiExample(
                "Officer",
                value={"email": "new.officer@riverton.example", "role": "officer"},
                request_only=True,
            ),
            OpenApiExample("Sent", value=INVITATION, response_only=True, status_codes=["201"]),
        ],
    ),
    destroy=extend_schema(
        description="Withdraw a pending invitation: its link stops working.",
        responses={status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Withdrawn.")},
    ),
)
class InvitationViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = Invitation
    serializer_class = InvitationSerializer
    default_permissions = (AdminsOnly,)
    filterset_fields = ["status", "role"]

    def get_tenant_queryset(self):
        return selectors.invitations_for(self.actor)

    def get_object(self):
        return selectors.invitation_get_for(self.actor, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.render(InvitationSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        invitation = services.invitation_send(actor=self.actor, **self.parse(InvitationInput))
        fresh = selectors.invitation_get_for(self.actor, invitation.pk)
        return self.render(InvitationSerializer, fresh, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.invitation_revoke(actor=self.actor, invitation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
