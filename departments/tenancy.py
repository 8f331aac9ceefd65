"""Resolving the tenant and the actor's roles once per request (STYLE.md 9).

Pages and API views under `/<municipality-slug>/` call `tenant_actor_for(user, slug)`, which
raises the same 404 for a municipality that does not exist and one the user is not a member
of. Everything below (selectors, services) receives the resulting TenantActor.
"""

from dataclasses import dataclass, field
from functools import cached_property

from departments.models import Membership, Municipality, User
from p3hub.audit import audit_record
from p3hub.errors import NotFound

Role = Membership.Role


@dataclass(frozen=True)
class TenantActor:
    """Who is acting, in which municipality, with which roles."""

    user: User
    municipality: Municipality
    memberships: tuple[Membership, ...] = field(default=())

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_officer(self) -> bool:
        return Role.OFFICER in self.roles

    @cached_property
    def headed_department_ids(self) -> frozenset[int]:
        return frozenset(m.department_id for m in self.memberships if m.role == Role.HEAD)

    def heads(self, department) -> bool:
        return department.pk in self.headed_department_ids

    def audit(self, verb: str, obj=None, *, before: dict | None = None, after: dict | None = None):
        """Record `verb` on `obj` in this municipality's audit chain, as this user."""
        return audit_record(
            actor=self.user,
            verb=verb,
            municipality=self.municipality,
            obj=obj,
            before=before,
            after=after,
        )

    def __hash__(self) -> int:
        return hash((self.user.pk, self.municipality.pk))


def tenant_actor_for(user, slug: str) -> TenantActor:
    """The actor's standing in the municipality `slug`; NotFound unless they are a member."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotFound("Not found.")
    memberships = tuple(
        Membership.objects.filter(user=user, municipality__slug=slug)
        .select_related("municipality", "department")
        .order_by("role", "department__code")
    )
    if not memberships:
        raise NotFound("Not found.")
    return TenantActor(user=user, municipality=memberships[0].municipality, memberships=memberships)
