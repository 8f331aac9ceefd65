"""/api/v1/<slug>/people/: everyone who holds or held a role in the municipality; tenant admins
correct their details and deactivate or reactivate them (officers read)."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action

from departments import selectors, services
from departments.api.base import TenantAPIMixin
from departments.api.examples import PERSON
from departments.api.memberships import PeopleManagers
from departments.models import Membership, User
from p3hub.api.fields import text_input


class PersonRoleSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "role", "department", "is_active"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    is_active = serializers.BooleanField(
        source="is_active_here", help_text="False while the person is deactivated here."
    )
    roles = PersonRoleSerializer(many=True, source="tenant_memberships")

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "name",
            "email",
            "is_active",
            "roles",
        ]
        read_only_fields = fields


class PersonUpdateInput(serializers.Serializer):
    first_name = text_input(required=False)
    last_name = text_input(required=False)
    email = text_input(required=False)


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", max_length=150, help_text="Words of the name, username or e-mail."
    )

    class Meta:
        model = User
        fields = ["q"]

    def search(self, queryset, name, value):
        return selectors.people_for(self.request.parser_context["view"].actor, q=value)


@extend_schema(tags=["people"])
@extend_schema_view(
    list=extend_schema(
        description="People of the municipality, deactivated ones too (admins and officers).",
        examples=[OpenApiExample("Head of Transportation", value=PERSON, response_only=True)],
    ),
    retrieve=extend_schema(description="One person and their roles here."),
    partial_update=extend_schema(
        description=(
            "Correct a person's name or e-mail address (tenant admins), for an account that "
            "works for this municipality alone."
        ),
        request=PersonUpdateInput,
    ),
    deactivate=extend_schema(
        description=(
            "Suspend every role of the person here (tenant admins; not oneself, never the "
            "last tenant admin). The roles are kept for reactivation."
        ),
        request=None,
    ),
    reactivate=extend_schema(
        description="Restore every role a deactivated person held here (tenant admins).",
        request=None,
    ),
)
class PersonViewSet(TenantAPIMixin, viewsets.GenericViewSet):
    model = User
    serializer_class = PersonSerializer
    default_permissions = (PeopleManagers,)
    filterset_class = PeopleFilter

    def get_tenant_queryset(self):
        return selectors.people_for(self.actor)

    def get_object(self):
        return selectors.person_get_for(self.actor, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.render(PersonSerializer, self.get_object())

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        data = self.parse(PersonUpdateInput, partial=True)
        services.person_update(actor=self.actor, person=person, **data)
        return self.render(PersonSerializer, self.get_object())

    @action(detail=True, methods=["post"])
    def deactivate(self, request, *args, **kwargs):
        services.person_deactivate(actor=self.actor, person=self.get_object())
        return self.render(PersonSerializer, self.get_object())

    @action(detail=True, methods=["post"])
    def reactivate(self, request, *args, **kwargs):
        services.person_reactivate(actor=self.actor, person=self.get_object())
        return self.render(PersonSerializer, self.get_object())
