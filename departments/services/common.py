"""What the tenant services share."""

from departments.tenancy import TenantActor
from p3hub.errors import PermissionDenied

ADMINS_ONLY = "Only a tenant admin may manage departments and people."


def require_admin(actor: TenantActor) -> None:
    if not actor.is_admin:
        raise PermissionDenied(ADMINS_ONLY)
