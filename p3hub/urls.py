"""Root URL configuration. Fixed points of DESIGN.md section 10 live here."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contracts import api_urls as contract_api_urls
from contracts import urls as contract_urls
from departments import api_urls as department_api_urls
from departments.api.me import MeView
from p3hub.api.auth import LogoutView, TokenListView, TokenObtainView, TokenRevokeView
from p3hub.api.checkpoints import PublicCheckpointsView
from p3hub.health import healthz
from p3hub.login import AdminLoginForm
from procurements import api_urls as procurement_api_urls
from vendors import api_urls as vendor_api_urls
from vendors import urls as vendor_urls

# One namespace for the tenant staff API, whichever app a route comes from.
tenant_api = (
    department_api_urls.urlpatterns
    + procurement_api_urls.urlpatterns
    + contract_api_urls.urlpatterns,
    "tenant_api",
)
public_api = (
    procurement_api_urls.public_urlpatterns
    + contract_api_urls.public_urlpatterns
    + [
        path(
            "checkpoints/<slug:municipality_slug>/",
            PublicCheckpointsView.as_view(),
            name="audit-checkpoint-list",
        )
    ],
    "public_api",
)
vendor_api = (
    vendor_api_urls.urlpatterns
    + procurement_api_urls.vendor_urlpatterns
    + contract_api_urls.vendor_urlpatterns,
    "vendor_api",
)

api_v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("auth/tokens/<str:token_id>/", TokenRevokeView.as_view(), name="api-token-revoke"),
    path("auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("me/", MeView.as_view(), name="api-me"),
    # Before the tenant prefix: "public" and "vendor" are reserved slugs, never a municipality.
    path("public/", include(public_api)),
    path("vendor/", include(vendor_api)),
    path("<slug:municipality_slug>/", include(tenant_api)),
]

# The admin's sign-in is throttled like every other and says so in the same words.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("departments.account_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script as a file (?script), as the CSP allows no inline one.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/v1/", include(api_v1)),
    # Before the tenant pages: "vendor" is a reserved slug, never a municipality.
    path("vendor/", include("vendors.urls")),
    path("vendor/", include("procurements.vendor_urls")),  # the portal's bidding pages
    path("vendor/", include("contracts.vendor_urls")),  # and its contracts
    path("public/", include(contract_urls.verification_urlpatterns)),
    path("", include(vendor_urls.staff_urlpatterns)),
    path("", include("procurements.urls")),
    path("", include("contracts.urls")),
    path("", include("departments.urls")),
]
