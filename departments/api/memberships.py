"""/api/v1/<slug>/memberships/: people's roles in the municipality."""

import django_filters
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from departments import selectors, services
from departments.api.base import ADMIN_WRITES, DepartmentCodeInput, TenantAPIMixin, person_named
from departments.api.examples import LAST_ADMIN, MEMBERSHIP, UNKNOWN_DEPARTMENT
from departments.models import Membership
from p3hub.api.fields import IdInput, service_codes, text_input

PEOPLE_READS = "Only tenant admins and procurement officers may see people and their roles."


class PeopleManagers(BasePermission):
    """Tenant admins and officers read people's roles; only tenant admins change them."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            self.message = PEOPLE_READS
            return view.actor.is_admin or view.actor.is_officer
        self.message = ADMIN_WRITES
        return view.actor.is_admin


class MembershipSerializer(serializers.ModelSerializer):
    """One role of one person in the municipality."""

    person = serializers.IntegerField(source="user_id")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "person",
            "username",
            "name",
            "email",
            "role",
            "department",
            "is_active",
            "created_at",
        ]
        read_only_fields = fields


class MembershipGrantInput(serializers.Serializer):
    person = IdInput(
        validators=service_codes("required", "does_not_exist"),
        help_text="The id of a person of the municipality (`people/`); new people are invited.",
    )
    role = text_input(help_text="admin, officer, head or member.")
    department = DepartmentCodeInput(
        required=False,
        allow_null=True,
        help_text="Department code; required for heads and members, empty for admins and officers.",
    )


class MembershipFilter(django_filters.FilterSet):
    # max_length: a case-insensitive match is a LIKE on SQLite, which refuses huge patterns.
    department = django_filters.CharFilter(
        field_name="department__code",
        lookup_expr="iexact",
        max_length=10,
        help_text="Department code.",
    )
    username = django_filters.CharFilter(
        field_name="user__username", lookup_expr="iexact", max_length=150
    )

    class Meta:
        model = Membership
        fields = ["role", "department", "username"]


@extend_schema(tags=["memberships"])
@extend_schema_view(
    list=extend_schema(
        description="People's roles in the municipality (tenant admins and officers).",
        examples=[OpenApiExample("Department head", value=MEMBERSHIP, response_only=True)],
    ),
    retrieve=extend_schema(
        description="One role of one person (tenant admins and officers).",
        examples=[OpenApiExample("Department head", value=MEMBERSHIP, response_only=True)],
    ),
    create=extend_schema(
        description=(
            "Grant a person of the municipality another role (tenant admins only; never "
            "oneself: another admin must). Heads and members name their department by code; "
            "admins and officers act for the whole municipality. New people are invited "
            "(`invitations/`)."
        ),
        request=MembershipGrantInput,
        responses={status.HTTP_201_CREATED: MembershipSerializer},
        examples=[
            OpenApiExample(
                "Head of Transportation",
                value={"person": 3, "role": "head", "department": "TRN"},
                request_only=True,
            ),
            OpenApiExample(
                "Procurement officer", value={"person": 2, "role": "officer"}, request_only=True
            ),
            OpenApiExample("Granted", value=MEMBERSHIP, response_only=True, status_codes=["201"]),
            UNKNOWN_DEPARTMENT,
        ],
    ),
    destroy=extend_schema(
        description=(
            "Revoke a role (tenant admins only). The last tenant admin of a municipality "
            "cannot be removed; a person's last role is kept, inactive, and the person is "
            "deactivated (`people/<id>/reactivate/` restores them)."
        ),
        responses={status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Revoked.")},
        examples=[LAST_ADMIN],
    ),
)
@extend_validation_errors(["last_admin"], field_name="role", actions=["destroy"])
class MembershipViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    default_permissions = (PeopleManagers,)
    filterset_class = MembershipFilter

    def get_tenant_queryset(self):
        return selectors.memberships_for(self.actor)

    def get_object(self):
        return selectors.membership_get_for(self.actor, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.render(MembershipSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        data = self.parse(MembershipGrantInput)
        person = person_named(self.actor, data.pop("person"))
        membership = services.membership_grant(actor=self.actor, user=person, **data)
        return self.render(MembershipSerializer, membership, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.membership_revoke(actor=self.actor, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
