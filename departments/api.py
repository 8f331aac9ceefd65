"""REST API of municipalities' departments and the caller's memberships.

Tenant endpoints live under /api/v1/<municipality-slug>/ and answer 404 to everyone who is not
a member of that municipality (other cities' staff and vendors included).
"""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from departments import selectors, services
from departments.models import Department, Membership
from departments.tenancy import tenant_actor_for


class TenantAPIMixin:
    """Resolves `self.actor` (a TenantActor) from the URL's slug once, after authentication."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.actor = tenant_actor_for(request.user, kwargs["municipality_slug"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no actor
            return self.serializer_class.Meta.model.objects.none()
        return self.get_tenant_queryset()


class MembershipSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Membership
        fields = ["municipality", "municipality_name", "role", "department"]


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField(source="display_name")
    memberships = MembershipSerializer(many=True, source="memberships_list")


class MeView(APIView):
    """The authenticated user and their roles in every municipality."""

    @extend_schema(operation_id="me_retrieve", responses=MeSerializer)
    def get(self, request):
        user = request.user
        user.memberships_list = list(selectors.memberships_of(user))
        return Response(MeSerializer(user, context={"request": request}).data)


class DepartmentSerializer(serializers.ModelSerializer):
    code = serializers.CharField(max_length=10)
    fund_codes = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=50
    )
    heads = serializers.SerializerMethodField()

    class Meta:
        model = Department
        fields = ["id", "code", "name", "fund_codes", "is_active", "heads"]
        read_only_fields = ["id", "heads"]

    def get_heads(self, department) -> list[str]:
        return [m.user.username for m in getattr(department, "head_memberships", [])]


_DEPARTMENT_EXAMPLE = OpenApiExample(
    "Transportation",
    value={"code": "TRN", "name": "Transportation", "fund_codes": ["100-TRN-CAP"]},
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(description="Departments of the municipality (any member may read)."),
    retrieve=extend_schema(description="One department of the municipality."),
    create=extend_schema(
        description="Add a department (tenant admins only).", examples=[_DEPARTMENT_EXAMPLE]
    ),
    partial_update=extend_schema(description="Change a department (tenant admins only)."),
    update=extend_schema(description="Replace a department's fields (tenant admins only)."),
)
class DepartmentViewSet(
    TenantAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DepartmentSerializer
    filterset_fields = ["code", "is_active"]

    def get_tenant_queryset(self):
        return selectors.department_heads_for(self.actor)

    def get_object(self):
        department = selectors.department_get_for(self.actor, self.kwargs["pk"])
        return selectors.department_heads_for(self.actor).get(pk=department.pk)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.department_create(
            actor=self.actor,
            code=data["code"],
            name=data["name"],
            fund_codes=data.get("fund_codes", []),
        )

    def perform_update(self, serializer):
        serializer.instance = services.department_update(
            actor=self.actor, department=serializer.instance, **serializer.validated_data
        )
