"""Plumbing shared by the procurement API's viewsets: the role checks per action and the
solicitation looked up by reference (the tenant base is departments.api.base)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from departments.api.base import TenantAPIMixin
from procurements import selectors
from procurements.models import OFFICERS_ONLY, Solicitation

HEADS_ONLY = "Only a department head may decide on a cost split."


class OfficerWrites(BasePermission):
    """Every member reads; only procurement officers write."""

    message = OFFICERS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_officer


class DepartmentHeads(BasePermission):
    """Heads of some department; the service checks it is the department in the body."""

    message = HEADS_ONLY

    def has_permission(self, request, view) -> bool:
        return bool(view.actor.headed_department_ids)


class ProcurementAPIMixin(TenantAPIMixin):
    """The tenant base, with officers alone writing unless an action says otherwise."""

    default_permissions = (OfficerWrites,)


class SolicitationScopedMixin(ProcurementAPIMixin):
    """Views nested under solicitations/<reference>/: the solicitation is read once, after the
    role checks, through the selector that scopes it to the actor's municipality."""

    _solicitation = None

    @property
    def solicitation(self) -> Solicitation:
        if self._solicitation is None:
            self._solicitation = selectors.solicitation_get_for(
                self.actor, self.kwargs["reference"]
            )
        return self._solicitation
