"""The vendors app's writes, one module per concern; import them from here."""

from vendors.services.people import vendor_user_add
from vendors.services.registration import (
    confirmation_link,
    confirmation_token,
    vendor_confirmation_resend,
    vendor_register,
    vendor_user_confirm,
)

__all__ = [
    "confirmation_link",
    "confirmation_token",
    "vendor_confirmation_resend",
    "vendor_register",
    "vendor_user_add",
    "vendor_user_confirm",
]
