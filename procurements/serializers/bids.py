"""A company's own bids in the API: the bid with its draft's prices, each line's total and the
bid total (computed by services.bids.priced_lines, never typed), its live attachments and its
receipts. Only the bidding company is ever handed these (vendors.api.base and the vault see
to it). Amounts are decimal strings in major units of the solicitation's currency; dates in its
municipality's local time."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import AMOUNT_SCHEMA, FileInput, RawInput, amount, text_input
from procurements import selectors
from procurements.models import Bid, BidAttachment, BidRevision, Solicitation
from procurements.serializers.common import status_text
from procurements.serializers.questions import InZoneMixin
from procurements.services.bids import priced_lines

OPTIONAL_AMOUNT = {**AMOUNT_SCHEMA, "nullable": True}
PRICES_SCHEMA = {
    "type": "object",
    "additionalProperties": AMOUNT_SCHEMA,
    "description": "The draft's unit prices by line position, in major units.",
    "example": {"1": "2450.00", "2": "1180.00"},
}


def url_of(context, name: str, *args) -> str:
    path = reverse(f"vendor_api:{name}", args=args)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class BidSolicitationSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.slug")

    class Meta:
        model = Solicitation
        fields = ["municipality", "reference", "title", "bids_due_at"]
        read_only_fields = fields


@extend_schema_field(OPTIONAL_AMOUNT)
class OptionalAmountField(serializers.CharField):
    """An amount already formatted (services.bids.priced_lines, then `amount`), or null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


class BidLineSerializer(serializers.Serializer):
    """One line item with the bid's unit price on it (null while unpriced) and its total."""

    position = serializers.IntegerField()
    description = serializers.CharField()
    quantity = serializers.CharField(help_text="As the line item states it (“4.000”).")
    unit = serializers.CharField()
    unit_price = OptionalAmountField()
    total = OptionalAmountField(help_text="Quantity x unit price.")


class BidAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="Where the company's users fetch the file (as an attachment)."
    )

    class Meta:
        model = BidAttachment
        fields = [
            "id",
            "title",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return url_of(self.context, "bid-attachment-file", attachment.bid_id, attachment.pk)


class RevisionSerializer(serializers.ModelSerializer):
    """One receipt of the bid: a submission, a revision or a withdrawal."""

    kind = status_text(BidRevision.Kind.choices)
    sha256 = serializers.CharField(
        source="content_sha256",
        help_text="SHA-256 of the canonical content submitted; empty for a withdrawal.",
    )
    submitted_by = serializers.CharField(source="submitted_by.display_name")
    url = serializers.SerializerMethodField(help_text="The receipt document.")

    class Meta:
        model = BidRevision
        fields = [
            "number",
            "kind",
            "receipt_number",
            "submitted_at",
            "sha256",
            "declared_name",
            "submitted_by",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, revision) -> str:
        return url_of(self.context, "receipt-detail", revision.receipt_number)


class ReceiptSerializer(InZoneMixin, RevisionSerializer):
    """A receipt as the submission or withdrawal answers it, with the bid it belongs to."""

    bid = serializers.IntegerField(source="bid_id")
    municipality = serializers.CharField(source="bid.solicitation.municipality.slug")
    reference = serializers.CharField(source="bid.solicitation.reference")

    class Meta(RevisionSerializer.Meta):
        fields = ["bid", "municipality", "reference", *RevisionSerializer.Meta.fields]
        read_only_fields = fields

    def zone_of(self, revision):
        return revision.bid.solicitation.municipality.zone


class BidSerializer(InZoneMixin, serializers.ModelSerializer):
    """One of the company's bids (a row of selectors.vendor_bids_shown), with its draft's
    prices from the `drafts` the view decrypted ({bid pk: draft}, services.bids.bid_drafts)."""

    solicitation = BidSolicitationSerializer()
    status = status_text(Bid.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    revision = serializers.IntegerField(help_text="The latest submitted revision (0: none).")
    latest_receipt = serializers.CharField(
        allow_null=True, help_text="The latest receipt's number; null before any."
    )
    prices = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField(
        help_text="The sum of the line totals; null until every line is priced."
    )
    attachments = BidAttachmentSerializer(source="live_attachments", many=True)

    class Meta:
        model = Bid
        fields = [
            "id",
            "solicitation",
            "status",
            "status_display",
            "revision",
            "submitted_at",
            "latest_receipt",
            "draft_updated_at",
            "prices",
            "lines",
            "total",
            "attachments",
        ]
        read_only_fields = fields

    def _prices_of(self, bid) -> dict[str, int]:
        return self.context["drafts"][bid.pk]["prices"]

    def _amount(self, bid, minor: int | None) -> str | None:
        currency = {"currency": bid.solicitation.municipality.currency}
        return None if minor is None else amount(minor, currency)

    @extend_schema_field(PRICES_SCHEMA)
    def get_prices(self, bid) -> dict:
        prices = self._prices_of(bid)
        ordered = sorted(prices, key=int)
        return {position: self._amount(bid, prices[position]) for position in ordered}

    def _priced(self, bid):
        return priced_lines(bid.solicitation.line_items.all(), self._prices_of(bid))

    @extend_schema_field(BidLineSerializer(many=True))
    def get_lines(self, bid) -> list[dict]:
        rows, _total = self._priced(bid)
        return [
            {
                "position": row.line.position,
                "description": row.line.description,
                "quantity": str(row.line.quantity),
                "unit": row.line.unit,
                "unit_price": self._amount(bid, row.unit_price_minor),
                "total": self._amount(bid, row.total_minor),
            }
            for row in rows
        ]

    @extend_schema_field(OPTIONAL_AMOUNT)
    def get_total(self, bid) -> str | None:
        return self._amount(bid, self._priced(bid)[1])


class BidDetailSerializer(BidSerializer):
    """A bid with every receipt it was given, oldest first."""

    revisions = serializers.SerializerMethodField()

    class Meta(BidSerializer.Meta):
        fields = [*BidSerializer.Meta.fields, "revisions"]
        read_only_fields = fields

    @extend_schema_field(RevisionSerializer(many=True))
    def get_revisions(self, bid) -> list[dict]:
        revisions = selectors.bid_revisions_of(bid)
        return RevisionSerializer(revisions, many=True, context=self.context).data


# --- input -----------------------------------------------------------------------------------


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        "description": (
            "Unit prices by line position, in major units as people write them (`2450`, "
            "`2,450.00`); lines left out keep their price, an empty value too."
        ),
        "example": {"1": "2450.00", "2": "1,180.00"},
    }
)
class PricesInput(RawInput):
    """Handed to the service as given: it names each line at fault (`prices.<position>`)."""


class BidPricesInput(serializers.Serializer):
    prices = PricesInput(required=True)


@extend_schema_field({"type": "boolean"})
class DeclarationInput(RawInput):
    """As given: the service accepts `true` only, in its own words."""

    codes = ("required",)


class SubmissionInput(serializers.Serializer):
    declaration = DeclarationInput(
        help_text="true: the person submitting confirms the bid's declaration."
    )
    declared_name = text_input(help_text="The typed name of the person submitting.")


class AttachmentInput(serializers.Serializer):
    title = text_input(help_text="What the file is, such as “Technical proposal”.")
    file = FileInput(help_text="A PDF, PNG, JPEG, DOCX or XLSX file (told by its content).")


class VerificationInput(serializers.Serializer):
    sha256 = text_input(help_text="Optional: a SHA-256 you kept, compared with the receipt's.")


class ReceiptCheckSerializer(serializers.Serializer):
    receipt_number = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    sha256 = serializers.CharField()
    opened = serializers.BooleanField(help_text="Whether the solicitation was opened.")
    content_matches = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the content held (and, once opened, opened) hashes to the "
        "receipt's SHA-256; null for a withdrawal, which covers no content.",
    )
    given_matches = serializers.BooleanField(
        allow_null=True, help_text="Whether the `sha256` you gave is the receipt's; null if none."
    )
