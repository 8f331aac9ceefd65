"""The vendor portal's contract pages (under /vendor/, included from p3hub/urls.py)."""

from django.urls import path

from contracts.views import vendor

CONTRACT = "contracts/<slug:municipality_slug>/<str:number>/"

urlpatterns = [
    path("contracts/", vendor.VendorContractListView.as_view(), name="vendor-contracts"),
    path(CONTRACT, vendor.VendorContractView.as_view(), name="vendor-contract"),
    path(f"{CONTRACT}sign/", vendor.VendorContractSignView.as_view(), name="vendor-contract-sign"),
    path(f"{CONTRACT}pdf/", vendor.VendorContractPdfView.as_view(), name="vendor-contract-pdf"),
    path(
        f"{CONTRACT}pdf/status/",
        vendor.VendorContractPdfStatusView.as_view(),
        name="vendor-contract-pdf-status",
    ),
]
