"""What an error report (Django's debug page, the e-mail to ADMINS, a logged 500) may show
of a request (DESIGN.md 11, invariant 2): a bid's prices and declaration are posted to the
vendor portal's and the vendor API's bid URLs, and must not reach a report in plaintext. On
those URLs every posted parameter is hidden, whatever its name; elsewhere Django's own rules
(passwords, keys, tokens, `sensitive_post_parameters`) apply."""

import re

from django.views.debug import SafeExceptionReporterFilter

# The portal's and the vendor API's bid URLs (/vendor/bids/..., /api/v1/vendor/bids/...,
# /vendor/solicitations/<city>/<ref>/bid/...).
SEALED_PATHS = re.compile(r"^(/api/v1)?/vendor/(bids/|receipts/|solicitations/[^/]+/[^/]+/bid)")


class SealedBidReporterFilter(SafeExceptionReporterFilter):
    def is_active(self, request):
        return True  # with DEBUG on too: a developer's screen share is a leak as well

    def get_post_parameters(self, request):
        if request is not None and SEALED_PATHS.match(request.path):
            return {name: self.cleansed_substitute for name in request.POST}
        return super().get_post_parameters(request)
