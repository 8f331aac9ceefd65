"""/api/v1/vendor/certificates/: the company's certificates and documents (insurance,
minority/women-owned certification, tax forms): list, upload (multipart), read, take down and
download, through the same services and selectors as the pages."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from p3hub.api.fields import AMOUNT_SCHEMA, FileInput, service_codes, text_input
from p3hub.files import kinds_list, megabytes
from p3hub.money import from_minor
from vendors import selectors, services
from vendors.api.base import VendorAPIMixin
from vendors.models import Certificate
from vendors.services.certificates import CERTIFICATE_KINDS, certificate_day
from vendors.views.certificates import certificate_file_response

Kind = Certificate.Kind


class CertificateInput(serializers.Serializer):
    kind = text_input(
        help_text="insurance, mwbe (minority/women-owned business certification) or tax_form.",
        validators=service_codes("required", "invalid"),
    )
    title = text_input(help_text="Required for a tax form, such as “W-9 2026”.")
    issuer = text_input(
        help_text="The insurer (insurance) or the certifying agency (mwbe): required for both."
    )
    number = text_input(help_text="The policy number: required for insurance.")
    coverage = text_input(
        help_text="Insurance only, required: the amount covered in USD, more than zero, as "
        "people write it (`1000000`, `1,000,000.00`, `$1,000,000.00`).",
    )
    expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="YYYY-MM-DD; required for insurance and mwbe, not today's past; none for a "
        "tax form.",
        validators=service_codes("required", "invalid", "expired"),
    )
    file = FileInput(
        help_text=f"A {kinds_list(CERTIFICATE_KINDS)} file (told by its content) of up to "
        f"settings.UPLOAD_MAX_BYTES ({megabytes(settings.UPLOAD_MAX_BYTES)} unless configured)."
    )


class CertificateSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text="insurance, mwbe or tax_form.")
    kind_label = serializers.CharField(source="get_kind_display")
    coverage = serializers.SerializerMethodField(
        help_text="Insurance: the amount covered, a decimal string in major units; else null."
    )
    expired = serializers.SerializerMethodField(
        help_text="Whether the expiry date is past, by the database's date."
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where the company's users fetch the file (as an attachment)."
    )

    class Meta:
        model = Certificate
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "issuer",
            "number",
            "coverage",
            "currency",
            "expires_on",
            "expired",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field({**AMOUNT_SCHEMA, "nullable": True})
    def get_coverage(self, certificate) -> str | None:
        if certificate.coverage_minor is None:
            return None
        return str(from_minor(certificate.coverage_minor, certificate.currency))

    def get_expired(self, certificate) -> bool:
        return certificate.expired_on(self.context["today"])

    def get_download_url(self, certificate) -> str:
        path = reverse("vendor_api:certificate-file", args=[certificate.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


CERTIFICATE = {
    "id": 12,
    "kind": "insurance",
    "kind_label": "Insurance certificate",
    "title": "General liability 2026",
    "issuer": "Harbor Mutual Insurance",
    "number": "HM-GL-2026-0415",
    "coverage": "2000000.00",
    "currency": "USD",
    "expires_on": "2026-12-31",
    "expired": False,
    "file_name": "liability.pdf",
    "content_type": "application/pdf",
    "size": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploaded_at": "2026-01-05T09:00:00Z",
    "download_url": "https://p3hub.example/api/v1/vendor/certificates/12/file/",
}
UPLOAD = {
    "kind": "insurance",
    "title": "General liability 2026",
    "issuer": "Harbor Mutual Insurance",
    "number": "HM-GL-2026-0415",
    "coverage": "2,000,000.00",
    "expires_on": "2026-12-31",
    "file": "(the PDF, as a file part)",
}


@extend_schema(tags=["vendors"])
@extend_schema_view(
    list=extend_schema(
        description="The company's live certificates and documents (those taken down are "
        "kept, not listed), by kind then expiry date (users of the company).",
        examples=[OpenApiExample("Insurance", value=CERTIFICATE, response_only=True)],
    ),
    retrieve=extend_schema(description="One of the company's live certificates."),
    create=extend_schema(
        description=(
            "Upload a certificate as `multipart/form-data`. Insurance needs `issuer` (the "
            "insurer), `number` (the policy number), `coverage` and `expires_on`; mwbe "
            "`issuer` (the certifying agency) and `expires_on`; a tax form `title` and no "
            "`expires_on`. An expiry date already past is refused. Every field at fault is "
            "listed at once. The company's users are e-mailed 30 and 7 days before it expires."
        ),
        request={"multipart/form-data": CertificateInput},
        responses={status.HTTP_201_CREATED: CertificateSerializer},
        examples=[
            OpenApiExample("Insurance", value=UPLOAD, request_only=True),
            OpenApiExample("Uploaded", value=CERTIFICATE, response_only=True, status_codes=["201"]),
        ],
    ),
    destroy=extend_schema(
        description="Take a certificate down: it is no longer listed nor downloadable, but "
        "kept (a bid may have relied on it).",
        responses={status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Taken down.")},
    ),
    file=extend_schema(
        description="The certificate's file, as an attachment (users of the company).",
        responses={
            (status.HTTP_200_OK, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, with its own content type."
            )
        },
    ),
)
class CertificateViewSet(VendorAPIMixin, viewsets.GenericViewSet):
    model = Certificate
    serializer_class = CertificateSerializer
    parser_classes = [MultiPartParser]  # a file cannot travel in JSON

    def get_vendor_queryset(self):
        return selectors.certificates_of(self.actor)

    def get_object(self):
        return selectors.certificate_get_for(self.actor, self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "actor", None) is not None and "today" not in context:
            context["today"] = self.today
        return context

    @property
    def today(self):
        if not hasattr(self, "_today"):
            self._today = certificate_day()
        return self._today

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        return self.render(CertificateSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        certificate = services.certificate_add(actor=self.actor, **self.parse(CertificateInput))
        return self.render(CertificateSerializer, certificate, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.certificate_remove(actor=self.actor, certificate=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"])
    def file(self, request, *args, **kwargs):
        return certificate_file_response(self.get_object())
