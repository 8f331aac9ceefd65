"""The one base of every tenant API endpoint under /api/v1/<municipality-slug>/ (STYLE.md 9).

Refusals come in a fixed order: 401 for the anonymous; then one identical 404 for a
municipality that does not exist and one the caller is not a member of (other cities' staff
and vendors included); then 403 from the role checks of the permission classes; objects are
fetched through selectors, so another city's object is the same 404 as a missing one. The
actor, the municipality and its time zone are resolved once and handed to the handler as
`self.actor` and `self.municipality`; the zone is active for the whole request, so every
date-time answers in local time with its offset and one given without an offset is local.
Parsing, rendering and the field names of refusals are p3hub.api.base's.
"""

from contextlib import ExitStack

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from departments.tenancy import tenant_actor_for
from p3hub.api.base import ServiceAPIMixin
from p3hub.api.fields import RawInput

ADMIN_WRITES = "Only a tenant admin may manage departments and people."


class TenantAPIMixin(ServiceAPIMixin):
    """Resolves `self.actor` (a TenantActor) and `self.municipality` from the URL's slug once
    per request, and runs the request in the municipality's time zone."""

    model: type

    def dispatch(self, request, *args, **kwargs):
        # The zone is entered once the actor is known (check_permissions) and left here, so
        # it never leaks into the next request served by this thread.
        with ExitStack() as self.zone_stack:
            return super().dispatch(request, *args, **kwargs)

    def check_permissions(self, request):
        # Authentication comes first so the anonymous learn nothing but "log in" (401); the
        # tenant lookup then gives non-members the 404 of a municipality that does not exist.
        if not request.user.is_authenticated:
            self.permission_denied(request)
        self.actor = tenant_actor_for(request.user, self.kwargs["municipality_slug"])
        self.municipality = self.actor.municipality
        self.zone_stack.enter_context(timezone.override(self.municipality.zone))
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no actor
            return self.model._default_manager.none()
        return self.get_tenant_queryset()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        municipality = getattr(self, "municipality", None)
        context["currency"] = municipality.currency if municipality else "USD"
        return context


class TenantAdminWrites(BasePermission):
    """Every member reads; only tenant admins write."""

    message = ADMIN_WRITES

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_admin


class AnyMember(BasePermission):
    """Any member of the municipality; the service decides for whom they may act."""

    def has_permission(self, request, view) -> bool:
        return True


@extend_schema_field(OpenApiTypes.STR)
class CaseInsensitiveSlugField(serializers.SlugRelatedField):
    """A reference by a unique text key (a username), matched ignoring case.

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


@extend_schema_field({"type": "string", "example": "TRN"})
class DepartmentCodeInput(RawInput):
    """A department of the caller's municipality by its code, as given: the service resolves
    it (departments.selectors.department_named), so pages and the API say the same."""

    codes = ("required", "invalid", "does_not_exist")


def person_named(actor, value):
    """The person of the actor's municipality a body names by id: anyone else (another
    city's officer, a vendor's account, nobody) is the same 400 naming `person`."""
    from departments.selectors import person_get_for
    from p3hub.errors import NotFound, ValidationFailed

    try:
        if isinstance(value, bool) or not isinstance(value, int):
            raise NotFound(
                "Not an id."
            )  # "3", 3.0 and true are not ids to us, though SQL reads them
        return person_get_for(actor, value)
    except NotFound:
        raise ValidationFailed(
            "No person of this municipality has this id.", field="person", code="does_not_exist"
        ) from None
