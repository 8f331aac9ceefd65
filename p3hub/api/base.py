"""What every signed-in API endpoint's base shares (STYLE.md 4, 9): the tenant staff's
(departments.api.base.TenantAPIMixin) and the vendors' (vendors.api.base.VendorAPIMixin).

Each action parses input with an input serializer (types only), calls one service or selector
and renders with an output serializer; a refusal names the field as the caller spelled it;
nothing an endpoint answers is kept by a cache."""

from django.utils.cache import patch_cache_control
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from p3hub.errors import ApplicationError


class ServiceAPIMixin:
    # Service field names spelled otherwise in this API's bodies (`in_kind_amount` is
    # `in_kind.amount`), so an error names the path the caller sent.
    error_fields: dict[str, str] = {}
    # Extra permission classes per action; `default_permissions` for every other action.
    action_permissions: dict = {}
    default_permissions: tuple = ()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)  # someone's own data
        return response

    def handle_exception(self, exc):
        if isinstance(exc, ApplicationError) and exc.field in self.error_fields:
            exc.field = self.error_fields[exc.field]
        return super().handle_exception(exc)

    def get_permissions(self):
        extra = self.action_permissions.get(getattr(self, "action", None), self.default_permissions)
        return [IsAuthenticated(), *(permission() for permission in extra)]

    def parse(self, serializer_class, *, partial: bool = False) -> dict:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def render(self, serializer_class, instance, *, many: bool = False, status_code=200):
        output = serializer_class(instance, many=many, context=self.get_serializer_context())
        return Response(output.data, status=status_code)

    def render_page(self, queryset, serializer_class=None):
        page = self.paginate_queryset(queryset)
        if serializer_class is None:
            serializer_class = self.get_serializer_class()
        output = serializer_class(page, many=True, context=self.get_serializer_context())
        return self.get_paginated_response(output.data)
