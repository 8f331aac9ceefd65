"""/api/v1/<slug>/departments/: the municipality's departments."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status, viewsets

from departments import selectors, services
from departments.api.base import TenantAdminWrites, TenantAPIMixin
from departments.api.examples import CODE_TAKEN, DEPARTMENT, DEPARTMENT_CREATE
from departments.models import Department
from p3hub.api.fields import text_input


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
    code = text_input(
        required=True, help_text="2-10 capital letters or digits, e.g. TRN (upper-cased)."
    )
    name = text_input(required=True)
    fund_codes = serializers.ListField(
        child=text_input(),
        required=False,
        help_text="Budget fund codes: letters, digits, dots and dashes.",
    )


class DepartmentUpdateInput(DepartmentCreateInput):
    is_active = serializers.BooleanField(
        required=False, help_text="False retires the department from new solicitations."
    )


_WRITES = ["create", "update", "partial_update"]


@extend_schema(tags=["departments"])
@extend_schema_view(
    list=extend_schema(
        description="Departments of the municipality (any member may read).",
        examples=[OpenApiExample("Transportation", value=DEPARTMENT, response_only=True)],
    ),
    retrieve=extend_schema(
        description="One department of the municipality.",
        examples=[OpenApiExample("Transportation", value=DEPARTMENT, response_only=True)],
    ),
    create=extend_schema(
        description="Add a department (tenant admins only). Codes are unique per municipality.",
        request=DepartmentCreateInput,
        responses={status.HTTP_201_CREATED: DepartmentSerializer},
        examples=[
            OpenApiExample("Transportation", value=DEPARTMENT_CREATE, request_only=True),
            OpenApiExample("Created", value=DEPARTMENT, response_only=True, status_codes=["201"]),
            CODE_TAKEN,
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
        examples=[OpenApiExample("Retire", value={"is_active": False}, request_only=True)],
    ),
)
# Codes the service raises for list entries, on top of what each field documents.
@extend_validation_errors(["invalid"], field_name="fund_codes", actions=_WRITES)
class DepartmentViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = Department
    serializer_class = DepartmentSerializer
    default_permissions = (TenantAdminWrites,)
    filterset_fields = ["code", "is_active"]

    def get_tenant_queryset(self):
        return selectors.department_heads_for(self.actor)

    def get_object(self):
        department = selectors.department_get_for(self.actor, self.kwargs["pk"])
        # Re-read with the heads prefetched: the same two queries as one row of the list.
        return self.get_tenant_queryset().get(pk=department.pk)

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.render(DepartmentSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        department = services.department_create(
            actor=self.actor, **self.parse(DepartmentCreateInput)
        )
        fresh = self.get_tenant_queryset().get(pk=department.pk)
        return self.render(DepartmentSerializer, fresh, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        department = self.get_object()
        data = self.parse(DepartmentUpdateInput, partial=partial)
        department = services.department_update(actor=self.actor, department=department, **data)
        return self.render(DepartmentSerializer, self.get_tenant_queryset().get(pk=department.pk))

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)
