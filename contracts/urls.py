"""Contract pages under /<municipality-slug>/: the staff's (manage/contracts/...) and the
public's (contracts/...). The verification page is the platform's (p3hub/urls.py)."""

from django.urls import include, path

from contracts.views import public, staff

CONTRACT = "manage/contracts/<str:number>/"

contract_actions = [
    path("", staff.ContractView.as_view(), name="contract"),
    path("edit/", staff.ContractUpdateView.as_view(), name="contract-update"),
    path("send/", staff.ContractSendView.as_view(), name="contract-send"),
    path("recall/", staff.ContractRecallView.as_view(), name="contract-recall"),
    path("terminate/", staff.ContractTerminateView.as_view(), name="contract-terminate"),
    path("sign/<str:department>/", staff.ContractSignView.as_view(), name="contract-sign"),
    path("pdf/", staff.ContractPdfView.as_view(), name="contract-pdf"),
    path("pdf/status/", staff.ContractPdfStatusView.as_view(), name="contract-pdf-status"),
]

tenant_pages = [
    path("manage/contracts/", staff.ContractListView.as_view(), name="contract-list"),
    path(
        "manage/contracts/new/<str:reference>/",
        staff.ContractPrepareView.as_view(),
        name="contract-prepare",
    ),
    path(CONTRACT, include(contract_actions)),
    path("contracts/", public.PublicContractListView.as_view(), name="contract-public-list"),
    path("contracts/<str:number>/", public.PublicContractView.as_view(), name="contract-public"),
    path(
        "contracts/<str:number>/pdf/",
        public.PublicContractPdfView.as_view(),
        name="contract-public-pdf",
    ),
]

urlpatterns = [path("<slug:municipality_slug>/", include(tenant_pages))]

# /public/verify/: "public" is a reserved slug, never a municipality.
verification_urlpatterns = [
    path("verify/", public.ContractVerifyView.as_view(), name="contract-verify"),
]
