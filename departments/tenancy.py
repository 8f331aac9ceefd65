"""Who acts, in which municipality, with which roles (STYLE.md 9).

Every tenant service takes a TenantActor. It is made in one of three ways, and only these:

- `tenant_actor_for(user, slug)`: a request under `/<municipality-slug>/` (pages and API, by
  their base classes); the same NotFound for a municipality that does not exist and one the
  user is not a member of;
- `TenantActor.of(user, municipality)`: code that already holds the municipality (the demo
  seed, the Django admin, tests); `operator=True` gives a superuser a tenant admin's powers;
- `SystemActor(municipality)`: the platform itself (the clock closing bids, beat tasks),
  recorded as "system" in the audit chain.
"""

from dataclasses import dataclass, field
from functools import cached_property

from departments.models import Membership, Municipality, User
from p3hub.audit import audit_record
from p3hub.errors import NotFound

Role = Membership.Role


def _memberships(user, **where) -> tuple[Membership, ...]:
    return tuple(
        Membership.objects.filter(user=user, is_active=True, **where)
        .select_related("municipality", "department")
        .order_by("role", "department__code")
    )


@dataclass(frozen=True)
class TenantActor:
    """A person acting in one municipality, with their roles there."""

    user: User | None
    municipality: Municipality
    memberships: tuple[Membership, ...] = field(default=())

    @classmethod
    def of(cls, user: User, municipality: Municipality, *, operator: bool = False):
        """`user`'s standing in `municipality`, read from their memberships. With `operator`,
        a superuser (the platform operator) also holds a tenant admin's powers there."""
        memberships = _memberships(user, municipality=municipality)
        if operator and user.is_superuser and Role.ADMIN not in {m.role for m in memberships}:
            memberships += (Membership(user=user, municipality=municipality, role=Role.ADMIN),)
        return cls(user=user, municipality=municipality, memberships=memberships)

    @property
    def is_system(self) -> bool:
        return False

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

    @cached_property
    def department_ids(self) -> frozenset[int]:
        """Departments the actor works in, as head or member."""
        return frozenset(m.department_id for m in self.memberships if m.department_id)

    def heads(self, department) -> bool:
        return department.pk in self.headed_department_ids

    def acts_for(self, department) -> bool:
        """Whether the actor may answer for `department` (its heads and members may)."""
        return department.pk in self.department_ids

    @property
    def zone(self):
        return self.municipality.zone

    def audit(self, verb: str, obj=None, *, before: dict | None = None, after: dict | None = None):
        """Record `verb` on `obj` in this municipality's audit chain, as this actor."""
        return audit_record(
            actor=self.user,
            verb=verb,
            municipality=self.municipality,
            obj=obj,
            before=before,
            after=after,
        )

    def __hash__(self) -> int:
        return hash((self.user.pk if self.user else None, self.municipality.pk))


class SystemActor(TenantActor):
    """The platform acting on its own in one municipality: no person, no roles. Only the
    moves no person asks for (closing bids at the deadline) are made as the system."""

    def __init__(self, municipality: Municipality):
        super().__init__(user=None, municipality=municipality, memberships=())

    @property
    def is_system(self) -> bool:
        return True


def tenant_actor_for(user, slug: str) -> TenantActor:
    """The actor's standing in the municipality `slug`; NotFound unless they are a member."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotFound("Not found.")
    if not isinstance(slug, str) or "\x00" in slug:
        raise NotFound("Not found.")
    memberships = _memberships(user, municipality__slug=slug)
    if not memberships:
        raise NotFound("Not found.")
    return TenantActor(user=user, municipality=memberships[0].municipality, memberships=memberships)
