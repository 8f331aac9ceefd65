"""Plumbing shared by the procurement API's viewsets: the municipality's time zone for the
whole request, role checks per action, and the solicitation looked up by reference."""

from contextlib import ExitStack

from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from departments.api import TenantAPIMixin
from p3hub.errors import NotFound
from procurements import selectors
from procurements.models import Solicitation

MAX_REFERENCE = Solicitation._meta.get_field("reference").max_length
OFFICERS_ONLY = "Only a procurement officer may do this."
HEADS_ONLY = "Only a department head may decide on a cost split."


class ProcurementAPIMixin(TenantAPIMixin):
    """TenantAPIMixin plus the municipality's time zone, and role checks per action."""

    # action name -> extra permission classes; everything else is OfficerWrites.
    action_permissions: dict = {}

    def dispatch(self, request, *args, **kwargs):
        # The zone is entered once the actor is known (check_permissions) and left here, so
        # it never leaks into the next request served by this thread.
        with ExitStack() as self.zone_stack:
            return super().dispatch(request, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        self.zone_stack.enter_context(timezone.override(self.actor.municipality.zone))

    def get_permissions(self):
        extra = self.action_permissions.get(self.action, [OfficerWrites])
        return [IsAuthenticated(), *(permission() for permission in extra)]

    def render(self, serializer_class, instance, *, many: bool = False, status_code=200):
        output = serializer_class(instance, many=many, context=self.get_serializer_context())
        return Response(output.data, status=status_code)

    def render_page(self, queryset):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def solicitation_of(actor, reference: str) -> Solicitation:
    """The selector's lookup by reference, but a reference that cannot exist (a NUL byte, which
    PostgreSQL refuses in a query, or longer than any reference) is the same 404 at once."""
    if "\x00" in reference or len(reference) > MAX_REFERENCE:
        raise NotFound("Not found.")
    return selectors.solicitation_get_for(actor, reference)


class SolicitationScopedMixin(ProcurementAPIMixin):
    """Views nested under solicitations/<reference>/: the solicitation is read once, after the
    role checks, through the selector that scopes it to the actor's municipality."""

    _solicitation = None

    @property
    def solicitation(self) -> Solicitation:
        if self._solicitation is None:
            self._solicitation = solicitation_of(self.actor, self.kwargs["reference"])
        return self._solicitation


class OfficerWrites(BasePermission):
    """Every member reads; only procurement officers write."""

    message = OFFICERS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_officer


class AnyMember(BasePermission):
    """Any member of the municipality; the service decides for whom they may act."""

    def has_permission(self, request, view) -> bool:
        return True


class DepartmentHeads(BasePermission):
    """Heads of some department; the service checks it is the department in the body."""

    message = HEADS_ONLY

    def has_permission(self, request, view) -> bool:
        return bool(view.actor.headed_department_ids)
