"""REST API of municipalities' departments, people's roles in them, and the caller's own roles.

Tenant endpoints live under /api/v1/<municipality-slug>/. Refusals come in a fixed order:
401 for the anonymous; then one identical 404 for a municipality that does not exist and one
the caller is not a member of (other cities' staff and vendors included); then 403 from the
role checks of `permission_classes`; objects are fetched through selectors, so another city's
object is the same 404 as a missing one. Each action parses input with an input serializer,
calls one service or selector and renders with an output serializer (STYLE.md 4); services
check the role again, so the API's checks are a first layer, not the only one.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from departments import selectors, services
from departments.models import Department, Membership
from departments.tenancy import tenant_actor_for

ADMIN_WRITES = "Only a tenant admin may manage departments and people."
PEOPLE_READS = "Only tenant admins and procurement officers may see people and their roles."


# --- plumbing shared by every tenant endpoint ---------------------------------------------


class TenantAPIMixin:
    """Resolves `self.actor` (a TenantActor) from the URL's slug once per request (STYLE.md 9)."""

    model: type

    def check_permissions(self, request):
        # Authentication comes first so the anonymous learn nothing but "log in" (401); the
        # tenant lookup then gives non-members the 404 of a municipality that does not exist.
        if not request.user.is_authenticated:
            self.permission_denied(request)
        self.actor = tenant_actor_for(request.user, self.kwargs["municipality_slug"])
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no actor
            return self.model._default_manager.none()
        return self.get_tenant_queryset()

    def parse(self, serializer_class, *, partial: bool = False) -> dict:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class TenantAdminWrites(BasePermission):
    """Every member reads; only tenant admins write."""

    message = ADMIN_WRITES

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_admin


class PeopleManagers(BasePermission):
    """Tenant admins and officers read people's roles; only tenant admins change them."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            self.message = PEOPLE_READS
            return view.actor.is_admin or view.actor.is_officer
        self.message = ADMIN_WRITES
        return view.actor.is_admin


@extend_schema_field(OpenApiTypes.STR)
class CaseInsensitiveSlugField(serializers.SlugRelatedField):
    """A reference by a unique text key (username, department code), matched ignoring case.

    Only strings reach the database: a list or an object as the value is a 400, not a driver
    error.
    """

    default_error_messages = {
        "does_not_exist": "Nothing here has the {slug_name} “{value}”.",
        "invalid": "Expected a text value.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        queryset, value = self.get_queryset(), data.strip()
        # Longer than any stored value cannot match, and SQLite refuses a LIKE pattern (its
        # case-insensitive match) beyond 50,000 bytes: answer without asking the database.
        max_length = queryset.model._meta.get_field(self.slug_field).max_length
        try:
            if len(value) > max_length:
                raise ObjectDoesNotExist
            return queryset.get(**{f"{self.slug_field}__iexact": value})
        except ObjectDoesNotExist:
            self.fail("does_not_exist", slug_name=self.slug_field, value=value[:100])


class TenantDepartmentField(CaseInsensitiveSlugField):
    """A department of the caller's municipality, by code: another city's code is unknown."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"does_not_exist": "No department has the code “{value}”."}
        )
        super().__init__(slug_field="code", queryset=Department.objects.none(), **kwargs)

    def get_queryset(self):
        return selectors.departments_for(self.context["view"].actor)


# --- /api/v1/me/ ----------------------------------------------------------------------------


class MeMembershipSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["municipality", "municipality_name", "role", "department"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField(source="display_name")
    memberships = MeMembershipSerializer(many=True, source="memberships_list")


class MeView(APIView):
    """The authenticated user and their roles in every municipality."""

    @extend_schema(
        operation_id="me_retrieve",
        responses=MeSerializer,
        examples=[
            OpenApiExample(
                "Procurement officer",
                value={
                    "username": "officer",
                    "email": "officer@riverton.example",
                    "name": "Olivia Officer",
                    "memberships": [
                        {
                            "municipality": "riverton",
                            "municipality_name": "City of Riverton",
                            "role": "officer",
                            "department": None,
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request):
        user = request.user
        user.memberships_list = list(selectors.memberships_of(user))
        return Response(MeSerializer(user, context={"request": request}).data)


# --- /api/v1/<slug>/departments/ --------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    """A department as the API shows it, with the usernames of its heads."""

    fund_codes = serializers.ListField(child=serializers.CharField())
    heads = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = ["id", "code", "name", "fund_codes", "is_active", "heads"]
        read_only_fields = fields

    def get_heads(self, department) -> list[str]:
        return [m.user.username for m in getattr(department, "head_memberships", [])]


class DepartmentCreateInput(serializers.Serializer):
    code = serializers.CharField(
        max_length=10, help_text="2-10 capital letters or digits, e.g. TRN (upper-cased)."
    )
    name = serializers.CharField(max_length=120)
    fund_codes = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        max_length=50,
        help_text="Budget fund codes: letters, digits, dots and dashes.",
    )


class DepartmentUpdateInput(DepartmentCreateInput):
    is_active = serializers.BooleanField(
        required=False, help_text="False retires the department from new solicitations."
    )


_DEPARTMENT = {
    "id": 1,
    "code": "TRN",
    "name": "Transportation",
    "fund_codes": ["100-TRN-CAP"],
    "is_active": True,
    "heads": ["head.trn"],
}
_DUPLICATE_CODE = {
    "type": "validation_error",
    "errors": [
        {"code": "invalid", "detail": "A department with code TRN already exists.", "attr": "code"}
    ],
}


_DEPARTMENT_WRITES = ["create", "update", "partial_update"]


@extend_schema_view(
    list=extend_schema(description="Departments of the municipality (any member may read)."),
    retrieve=extend_schema(
        description="One department of the municipality.",
        examples=[OpenApiExample("Transportation", value=_DEPARTMENT, response_only=True)],
    ),
    create=extend_schema(
        description="Add a department (tenant admins only). Codes are unique per municipality.",
        request=DepartmentCreateInput,
        responses={status.HTTP_201_CREATED: DepartmentSerializer},
        examples=[
            OpenApiExample(
                "Transportation",
                value={"code": "TRN", "name": "Transportation", "fund_codes": ["100-TRN-CAP"]},
                request_only=True,
            ),
            OpenApiExample(
                "Code taken", value=_DUPLICATE_CODE, response_only=True, status_codes=["400"]
            ),
        ],
    ),
    update=extend_schema(
        description=(
            "Change a department (tenant admins only): `code` and `name` are required, "
            "fields left out keep their values."
        ),
        request=DepartmentUpdateInput,
        responses=DepartmentSerializer,
    ),
    partial_update=extend_schema(
        description="Change some fields of a department (tenant admins only).",
        request=DepartmentUpdateInput,
        responses=DepartmentSerializer,
        examples=[
            OpenApiExample("Retire", value={"is_active": False}, request_only=True),
        ],
    ),
)
# Codes the services raise on top of what the input serializers check (documented in OpenAPI).
@extend_validation_errors(["invalid"], field_name="code", actions=_DEPARTMENT_WRITES)
@extend_validation_errors(["invalid"], field_name="fund_codes", actions=_DEPARTMENT_WRITES)
@extend_validation_errors(["invalid"], field_name="name", actions=_DEPARTMENT_WRITES)
class DepartmentViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = Department
    serializer_class = DepartmentSerializer
    permission_classes = [IsAuthenticated, TenantAdminWrites]
    filterset_fields = ["code", "is_active"]

    def get_tenant_queryset(self):
        return selectors.department_heads_for(self.actor)

    def get_object(self):
        department = selectors.department_get_for(self.actor, self.kwargs["pk"])
        # Re-read with the heads prefetched: the same two queries as one row of the list.
        return self.get_tenant_queryset().get(pk=department.pk)

    def list(self, request, *args, **kwargs):
        departments = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(departments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = self.parse(DepartmentCreateInput)
        department = services.department_create(actor=self.actor, **data)
        output = self.get_serializer(self.get_tenant_queryset().get(pk=department.pk))
        return Response(output.data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        department = self.get_object()
        data = self.parse(DepartmentUpdateInput, partial=partial)
        department = services.department_update(actor=self.actor, department=department, **data)
        return Response(self.get_serializer(self.get_tenant_queryset().get(pk=department.pk)).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


# --- /api/v1/<slug>/memberships/ --------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    """One role of one person in the municipality."""

    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "name", "email", "role", "department", "created_at"]
        read_only_fields = fields


class MembershipGrantInput(serializers.Serializer):
    username = CaseInsensitiveSlugField(
        source="user",
        slug_field="username",
        queryset=get_user_model().objects.filter(is_active=True),
        error_messages={"does_not_exist": "No active person has the username “{value}”."},
        help_text="The person who gets the role.",
    )
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    department = TenantDepartmentField(
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


_MEMBERSHIP = {
    "id": 3,
    "username": "head.trn",
    "name": "Tomas Reyes",
    "email": "head.trn@riverton.example",
    "role": "head",
    "department": "TRN",
    "created_at": "2026-01-05T14:03:00Z",
}
_UNKNOWN_DEPARTMENT = {
    "type": "validation_error",
    "errors": [
        {
            "code": "does_not_exist",
            "detail": "No department has the code “XYZ”.",
            "attr": "department",
        }
    ],
}
_LAST_ADMIN = {
    "type": "validation_error",
    "errors": [
        {
            "code": "last_admin",
            "detail": "A municipality needs at least one tenant admin.",
            "attr": "role",
        }
    ],
}


@extend_schema_view(
    list=extend_schema(
        description="People's roles in the municipality (tenant admins and officers).",
        examples=[
            OpenApiExample(
                "Department head",
                value={"count": 1, "next": None, "previous": None, "results": [_MEMBERSHIP]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        description="One role of one person (tenant admins and officers).",
        examples=[OpenApiExample("Department head", value=_MEMBERSHIP, response_only=True)],
    ),
    create=extend_schema(
        description=(
            "Grant an existing person a role (tenant admins only). Heads and members name "
            "their department by code; admins and officers act for the whole municipality."
        ),
        request=MembershipGrantInput,
        responses={status.HTTP_201_CREATED: MembershipSerializer},
        examples=[
            OpenApiExample(
                "Head of Transportation",
                value={"username": "head.trn", "role": "head", "department": "TRN"},
                request_only=True,
            ),
            OpenApiExample(
                "Procurement officer",
                value={"username": "officer", "role": "officer"},
                request_only=True,
            ),
            OpenApiExample("Granted", value=_MEMBERSHIP, response_only=True, status_codes=["201"]),
            OpenApiExample(
                "Unknown department",
                value=_UNKNOWN_DEPARTMENT,
                response_only=True,
                status_codes=["400"],
            ),
        ],
    ),
    destroy=extend_schema(
        description=(
            "Revoke a role (tenant admins only). The last tenant admin of a municipality "
            "cannot be removed."
        ),
        responses={
            status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Revoked."),
        },
        examples=[
            OpenApiExample(
                "Last admin", value=_LAST_ADMIN, response_only=True, status_codes=["400"]
            )
        ],
    ),
)
@extend_validation_errors(["invalid"], field_name="role", actions=["create"])
@extend_validation_errors(["invalid"], field_name="department", actions=["create"])
@extend_validation_errors(["last_admin"], field_name="role", actions=["destroy"])
class MembershipViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated, PeopleManagers]
    filterset_class = MembershipFilter

    def get_tenant_queryset(self):
        return selectors.memberships_for(self.actor)

    def get_object(self):
        return selectors.membership_get_for(self.actor, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        memberships = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_serializer(self.get_object()).data)

    def create(self, request, *args, **kwargs):
        data = self.parse(MembershipGrantInput)
        membership = services.membership_grant(actor=self.actor, **data)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.membership_revoke(actor=self.actor, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
