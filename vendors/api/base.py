"""The one base of every signed-in endpoint under /api/v1/vendor/ (STYLE.md 9).

Refusals come in a fixed order: 401 for the anonymous; then one identical 404 for everyone who
does not act for a company (staff of a city, a removed colleague), as for an endpoint that
does not exist; objects are fetched through selectors scoped to the caller's company, so
another company's profile, documents and questions are the same 404 as missing ones. The
actor is resolved once and handed to the handler as `self.actor` (a VendorActor)."""

from p3hub.api.base import ServiceAPIMixin
from vendors.actor import vendor_actor_for


class VendorAPIMixin(ServiceAPIMixin):
    model: type

    def check_permissions(self, request):
        if not request.user.is_authenticated:
            self.permission_denied(request)  # 401: the anonymous learn only "log in"
        self.actor = vendor_actor_for(request.user)
        self.vendor = self.actor.vendor
        super().check_permissions(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no actor
            return self.model._default_manager.none()
        return self.get_vendor_queryset()

    def get_vendor_queryset(self):
        raise NotImplementedError

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("currency", "USD")
        return context
