"""The vendors app's writes, one module per concern; import them from here."""

from vendors.services.certificates import (
    certificate_add,
    certificate_remove,
    certificates_remind_expiring,
)
from vendors.services.people import (
    vendor_invitation_accept,
    vendor_user_add,
    vendor_user_invite,
    vendor_user_remove,
)
from vendors.services.profile import vendor_profile_update
from vendors.services.registration import (
    confirmation_link,
    confirmation_token,
    vendor_confirmation_resend,
    vendor_register,
    vendor_user_confirm,
)

__all__ = [
    "certificate_add",
    "certificate_remove",
    "certificates_remind_expiring",
    "confirmation_link",
    "confirmation_token",
    "vendor_confirmation_resend",
    "vendor_invitation_accept",
    "vendor_profile_update",
    "vendor_register",
    "vendor_user_add",
    "vendor_user_confirm",
    "vendor_user_invite",
    "vendor_user_remove",
]
