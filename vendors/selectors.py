"""Reads about vendors and their people that other apps ask for."""

from django.urls import reverse

from vendors.models import VendorUser

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
