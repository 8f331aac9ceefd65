"""What vendors adds to other apps' pages (settings.PAGE_PANELS): on the home page, how a
company registers (for anyone who is not signed in); on a company's profile and portal
pages, its certificates."""

from departments.views.base import Panel
from vendors.actor import VendorActor
from vendors.selectors import certificates_of
from vendors.services.certificates import certificate_day
from vendors.views.certificates import certificate_rows


def home_register(view) -> Panel | None:
    if view.request.user.is_authenticated:
        return None
    return Panel("vendors/panels/home_register.html", {})


def profile_certificates(view) -> Panel | None:
    """The company's live certificates, expired ones marked (a vendor page's `view.actor`)."""
    actor = getattr(view, "actor", None)
    if not isinstance(actor, VendorActor):
        return None
    rows = certificate_rows(certificates_of(actor), certificate_day())
    return Panel("vendors/panels/certificates.html", {"rows": rows, "vendor": actor.vendor})
