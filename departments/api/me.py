"""/api/v1/me/: the authenticated user and their roles in every municipality."""

from django.utils.cache import patch_cache_control
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from departments import selectors
from departments.api.examples import ME
from departments.models import Membership


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
        tags=["me"],
        responses=MeSerializer,
        examples=[OpenApiExample("Procurement officer", value=ME, response_only=True)],
    )
    def get(self, request):
        user = request.user
        user.memberships_list = list(selectors.memberships_of(user))
        response = Response(MeSerializer(user, context={"request": request}).data)
        patch_cache_control(response, private=True, no_store=True)
        return response
