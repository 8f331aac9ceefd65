"""Root URL configuration. Fixed points of DESIGN.md section 10 live here."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from departments.api import MeView
from p3hub.api.auth import TokenObtainView
from p3hub.health import healthz

api_v1 = [
    path("auth/token/", TokenObtainView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("<slug:municipality_slug>/", include("departments.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("departments.account_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(api_v1)),
    path("", include("procurements.urls")),
    path("", include("departments.urls")),
]
