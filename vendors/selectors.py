"""Reads about vendors and their people that other apps ask for."""

from django.urls import reverse

from p3hub.errors import NotFound
from vendors.models import VendorUser

VENDOR_ACCOUNT = "This is a vendor's account: it cannot hold a municipal role."


def municipal_role_refusal(user) -> str | None:
    """settings.MUNICIPAL_ROLE_REFUSALS: a vendor's account never holds a municipal role."""
    return VENDOR_ACCOUNT if VendorUser.objects.filter(user=user).exists() else None


def vendor_user_of(user) -> VendorUser:
    """The company a signed-in person acts for; NotFound for anyone else (staff included)."""
    vendor_user = (
        VendorUser.objects.select_related("vendor").filter(user=user, user__is_active=True).first()
    )
    if vendor_user is None:
        raise NotFound("Not found.")
    return vendor_user


def portal_landing(user) -> str | None:
    """settings.LOGIN_LANDINGS: a vendor user signs in to the portal."""
    return reverse("vendor-portal") if VendorUser.objects.filter(user=user).exists() else None
