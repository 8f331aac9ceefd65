"""Signatures, signing and the public verification in the API (issue 13): a contract's signing
history (voided signatures kept), what a signer sends, and what a PDF (or its SHA-256) proves."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts.serializers.contracts import api_url
from departments.api.base import DepartmentCodeInput
from p3hub.api.fields import FileInput, RawInput, text_input

# --- signatures -----------------------------------------------------------------------------


def party_name(signature, contract) -> str:
    """The party's name without a query: the vendor's is the contract's (the selectors fetch
    each signature's party with its department, not the contract again)."""
    party = signature.party
    return contract.vendor.name if party.is_vendor else party.department.name


class SignatureSerializer(serializers.Serializer):
    """A signature of one revision of the contract: who signed for which party, the name
    they typed, their consent, the database time and the client address. A change of the
    terms voids it (kept, with `voided_at`). The view puts the `contract` in the context."""

    id = serializers.IntegerField(source="pk")
    party = serializers.CharField(source="party.code", help_text='"vendor" or a department code.')
    party_name = serializers.SerializerMethodField()
    revision = serializers.IntegerField(help_text="The contract's revision it signs.")
    signer = serializers.CharField(source="signer.username")
    typed_name = serializers.CharField()
    consented = serializers.BooleanField(help_text="To sign electronically.")
    signed_at = serializers.DateTimeField(help_text="By the database clock.")
    client_address = serializers.IPAddressField(allow_null=True)
    voided_at = serializers.DateTimeField(allow_null=True, help_text="When a change voided it.")

    def get_party_name(self, signature) -> str:
        return party_name(signature, self.context["contract"])


@extend_schema_field({"type": "boolean"})
class ConsentInput(RawInput):
    """As given: the service wants exactly true."""


class StaffSignInput(serializers.Serializer):
    department = DepartmentCodeInput(help_text="The department you head and sign for.")
    typed_name = text_input(help_text="Your name as you sign it.")
    consent = ConsentInput(help_text="true: you agree to sign electronically.")


class VendorSignInput(serializers.Serializer):
    typed_name = text_input(help_text="Your name as you sign it for the company.")
    consent = ConsentInput(help_text="true: you agree to sign electronically.")


# --- verification ---------------------------------------------------------------------------


class OrNull(serializers.Field):
    """An object of `serializer_class`, or null."""

    def __init__(self, serializer_class, **kwargs):
        self.serializer_class = serializer_class
        kwargs.update(read_only=True, allow_null=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.serializer_class(value, context=self.context).data


class OrNullSchema(OpenApiSerializerFieldExtension):
    """One of the object or null: OpenAPI 3.0 has no nullable $ref (`nullable` beside `allOf`
    is ignored by validators). The component is registered here, as no other field uses it."""

    target_class = OrNull

    def map_serializer_field(self, auto_schema, direction):
        component = auto_schema.resolve_serializer(self.target.serializer_class, direction)
        null = {"type": "object", "nullable": True, "enum": [None]}
        return {"oneOf": [component.ref, null], "description": self.target.help_text or ""}


class ContractVerificationInput(serializers.Serializer):
    """A PDF as `multipart/form-data`, or its SHA-256 in JSON; exactly one of them."""

    file = FileInput(help_text="The PDF to check.")
    sha256 = text_input(help_text="Or the SHA-256 of the PDF, 64 hexadecimal characters.")


class SignatureCheckSerializer(serializers.Serializer):
    """pyHanko's check of the embedded signature against the platform's certificate."""

    present = serializers.BooleanField(source="signed", help_text="The file carries one.")
    intact = serializers.BooleanField(help_text="The signed bytes are unchanged.")
    valid = serializers.BooleanField(help_text="The signature itself verifies.")
    trusted = serializers.BooleanField(help_text="By the platform's certificate.")
    whole_document = serializers.BooleanField(help_text="It covers the file to its last byte.")
    signer = serializers.CharField(help_text="The certificate's subject.")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="The signing time it holds.")
    summary = serializers.CharField(help_text="In one line, for people.")


class VerifiedContractSerializer(serializers.Serializer):
    number = serializers.CharField()
    municipality = serializers.CharField(source="municipality.slug")
    title = serializers.CharField()
    vendor = serializers.CharField(source="vendor.name")
    status = serializers.CharField()
    executed_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField(help_text="The contract in the public API.")

    def get_url(self, contract) -> str:
        return api_url(
            self.context,
            "public_api:contract-detail",
            municipality_slug=contract.municipality.slug,
            number=contract.number,
        )


class VerifiedSignatureSerializer(serializers.Serializer):
    party = serializers.CharField(source="party.code", help_text='"vendor" or a department code.')
    party_name = serializers.SerializerMethodField()
    typed_name = serializers.CharField()
    signed_at = serializers.DateTimeField()

    def get_party_name(self, signature) -> str:
        return party_name(signature, self.context["contract"])


class VerificationSerializer(serializers.Serializer):
    """Whether the file (or hash) is an executed contract of record, which one, who signed
    it and when, and what its embedded signature proves (null when only an unknown hash was
    given: there is no file to check). Times are the contract's municipality's."""

    of_record = serializers.BooleanField()
    sha256 = serializers.CharField(help_text="Of the file given, or the hash given.")
    contract = OrNull(VerifiedContractSerializer, help_text="Null: not of record.")
    signatures = VerifiedSignatureSerializer(many=True, help_text="Its live signatures.")
    signature_check = OrNull(
        SignatureCheckSerializer, source="check", help_text="Null: a hash not of record."
    )

    def to_representation(self, verification):
        contract = verification.contract
        self.context["contract"] = contract
        zone = contract.municipality.zone if contract else timezone.get_current_timezone()
        with timezone.override(zone):
            return super().to_representation(verification)
