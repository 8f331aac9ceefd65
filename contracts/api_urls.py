"""The contract API, three audiences (DESIGN.md 10), joined into the namespaces of
p3hub/urls.py: staff under /api/v1/<slug>/contracts/, companies under
/api/v1/vendor/contracts/, the public under /api/v1/public/contracts/ and the verification
at /api/v1/public/contract-verifications/."""

from django.urls import path

from contracts.api import public, staff, vendor

CONTRACT = "contracts/<str:number>/"

urlpatterns = [
    path(
        "contracts/",
        staff.ContractViewSet.as_view({"get": "list", "post": "create"}),
        name="contract-list",
    ),
    path(
        CONTRACT,
        staff.ContractViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="contract-detail",
    ),
    path(f"{CONTRACT}send/", staff.ContractViewSet.as_view({"post": "send"}), name="contract-send"),
    path(
        f"{CONTRACT}recall/",
        staff.ContractViewSet.as_view({"post": "recall"}),
        name="contract-recall",
    ),
    path(
        f"{CONTRACT}terminate/",
        staff.ContractViewSet.as_view({"post": "terminate"}),
        name="contract-terminate",
    ),
    path(
        f"{CONTRACT}schedule/",
        staff.ContractViewSet.as_view({"get": "schedule"}),
        name="contract-schedule",
    ),
    path(
        f"{CONTRACT}signatures/",
        staff.SignatureViewSet.as_view({"get": "list", "post": "create"}),
        name="contract-signatures",
    ),
    path(f"{CONTRACT}pdf/", staff.ContractPdfView.as_view(), name="contract-pdf"),
    path(
        f"{CONTRACT}pdf/download/",
        staff.ContractPdfDownloadView.as_view(),
        name="contract-pdf-download",
    ),
]

VENDOR_CONTRACT = "contracts/<slug:municipality_slug>/<str:number>/"

vendor_urlpatterns = [
    path(
        "contracts/",
        vendor.VendorContractViewSet.as_view({"get": "list"}),
        name="contract-list",
    ),
    path(
        VENDOR_CONTRACT,
        vendor.VendorContractViewSet.as_view({"get": "retrieve"}),
        name="contract-detail",
    ),
    path(
        f"{VENDOR_CONTRACT}sign/",
        vendor.VendorContractViewSet.as_view({"post": "sign"}),
        name="contract-sign",
    ),
    path(f"{VENDOR_CONTRACT}pdf/", vendor.VendorContractPdfView.as_view(), name="contract-pdf"),
    path(
        f"{VENDOR_CONTRACT}pdf/download/",
        vendor.VendorContractPdfDownloadView.as_view(),
        name="contract-pdf-download",
    ),
]

public_urlpatterns = [
    path(
        "contract-verifications/",
        public.ContractVerificationView.as_view(),
        name="contract-verify",
    ),
    path(
        "contracts/<slug:municipality_slug>/",
        public.PublicContractViewSet.as_view({"get": "list"}),
        name="contract-list",
    ),
    path(
        "contracts/<slug:municipality_slug>/<str:number>/",
        public.PublicContractViewSet.as_view({"get": "retrieve"}),
        name="contract-detail",
    ),
    path(
        "contracts/<slug:municipality_slug>/<str:number>/pdf/",
        public.PublicContractPdfView.as_view(),
        name="contract-pdf-download",
    ),
]
