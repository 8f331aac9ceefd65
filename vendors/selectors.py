"""Reads about vendors and their people that other apps ask for."""

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.module_loading import import_string

from p3hub.errors import NotFound, get_or_not_found
from vendors.actor import VendorActor
from vendors.models import Certificate, Vendor, VendorUser

VENDOR_ACCOUNT = "This is a vendor's account: it cannot hold a municipal role."


def municipal_role_refusal(user) -> str | None:
    """settings.MUNICIPAL_ROLE_REFUSALS: a vendor's account never holds a municipal role."""
    return VENDOR_ACCOUNT if VendorUser.objects.filter(user=user).exists() else None


def portal_landing(user) -> str | None:
    """settings.LOGIN_LANDINGS: a vendor user signs in to the portal."""
    acts_for_a_company = VendorUser.objects.filter(
        user=user, status=VendorUser.Status.ACTIVE
    ).exists()
    return reverse("vendor-portal") if acts_for_a_company else None


def users_of_companies(vendor_ids) -> list:
    """The active users (active accounts) of these companies, each person once: whom a
    notice to a company goes to."""
    from departments.models import User

    return list(
        User.objects.filter(
            is_active=True,
            vendor_roles__status=VendorUser.Status.ACTIVE,
            vendor_roles__vendor_id__in=vendor_ids,
        )
        .distinct()
        .order_by("pk")
    )


def vendor_people(actor: VendorActor) -> QuerySet:
    """The company's invited and active users (the removed are its history only), oldest
    first, each with its account and who invited them: one query for any number."""
    return (
        VendorUser.objects.filter(
            vendor_id=actor.vendor.pk,
            status__in=[VendorUser.Status.INVITED, VendorUser.Status.ACTIVE],
        )
        .select_related("user", "invited_by")
        .order_by("created_at", "id")
    )


def vendor_user_get_for(actor: VendorActor, pk) -> VendorUser:
    """One of the company's users, removed ones included (removing one twice is refused in
    words); another company's is NotFound, exactly as a missing one."""
    users = VendorUser.objects.filter(vendor_id=actor.vendor.pk).select_related(
        "vendor", "user", "invited_by"
    )
    return get_or_not_found(users, pk=pk)


def certificates_of(actor: VendorActor) -> QuerySet:
    """The company's live certificates (those taken down are kept, never listed): one query
    for any number."""
    return Certificate.objects.filter(vendor_id=actor.vendor.pk, removed_at__isnull=True)


def certificate_get_for(actor: VendorActor, pk) -> Certificate:
    """One of the company's live certificates; another company's, one taken down and a
    missing one are the same NotFound."""
    return get_or_not_found(certificates_of(actor), pk=pk)


def certificate_for_staff(actor, vendor_id, pk) -> Certificate:
    """A vendor's live certificate as a municipality's staff (`actor`, a TenantActor) may
    read it: only once the vendor takes part there, which each entry of
    settings.VENDOR_DOCUMENT_ACCESS decides (a dotted path of a callable
    `(tenant_actor, vendor) -> bool`; any one granting is enough): the procurements app
    grants it once one of the vendor's bids there was opened. Otherwise NotFound, as for a
    vendor or certificate that does not exist."""
    vendor = get_or_not_found(Vendor.objects.all(), pk=vendor_id)
    grants = (import_string(path) for path in settings.VENDOR_DOCUMENT_ACCESS)
    if not any(grant(actor, vendor) for grant in grants):
        raise NotFound("Not found.")
    live = Certificate.objects.filter(vendor=vendor, removed_at__isnull=True)
    return get_or_not_found(live, pk=pk)
