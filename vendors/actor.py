"""Who acts for a company in the vendor portal (STYLE.md 9), the vendors' counterpart of
departments.tenancy.TenantActor.

Every vendor service takes a VendorActor. It is made in one of two ways, and only these:

- `vendor_actor_for(user)`: a request to the portal or /api/v1/vendor/ (by their base
  classes); NotFound for anyone who is not an active user of a company (staff of a city, the
  anonymous, a removed colleague), the same 404 as a page that does not exist;
- `VendorActor.of(vendor_user)`: code that already holds the vendor user (the demo seed,
  tests, a user accepting an invitation).

A vendor's own events go to the platform's audit chain (vendors belong to no municipality);
what it does about a city's solicitation (a question, an acknowledgement) goes to that city's
chain, beside the solicitation's other events.
"""

from dataclasses import dataclass

from departments.models import User
from p3hub.audit import audit_record
from p3hub.errors import NotFound
from vendors.models import Vendor, VendorUser


@dataclass(frozen=True)
class VendorActor:
    """A person acting for one company."""

    vendor_user: VendorUser

    @classmethod
    def of(cls, vendor_user: VendorUser) -> "VendorActor":
        return cls(vendor_user=vendor_user)

    @property
    def user(self) -> User:
        return self.vendor_user.user

    @property
    def vendor(self) -> Vendor:
        return self.vendor_user.vendor

    @property
    def is_system(self) -> bool:
        return False

    # A vendor holds no municipal role: the lifecycles' `who` checks read these as False.
    is_officer = False
    is_admin = False

    def audit(
        self,
        verb: str,
        obj=None,
        *,
        before: dict | None = None,
        after: dict | None = None,
        municipality=None,
    ):
        """Record `verb` on `obj` as this person: in `municipality`'s chain when the event is
        about one of its solicitations, else in the platform's."""
        return audit_record(
            actor=self.user,
            verb=verb,
            municipality=municipality,
            obj=obj,
            before=before,
            after=after,
        )

    def __hash__(self) -> int:
        return hash(self.vendor_user.pk)


def vendor_actor_for(user) -> VendorActor:
    """The company `user` acts for; NotFound for anyone else (staff of a city included)."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotFound("Not found.")
    vendor_user = (
        VendorUser.objects.select_related("vendor", "user")
        .filter(user=user, status=VendorUser.Status.ACTIVE)
        .order_by("created_at", "id")
        .first()
    )
    if vendor_user is None:
        raise NotFound("Not found.")
    return VendorActor.of(vendor_user)
