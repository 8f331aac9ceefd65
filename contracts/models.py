"""The cost-sharing contract (DESIGN.md 3, 4, 6): one agreement between the awarded vendor and
every participating department, prepared by the officer from a final award, with its schedule
of who pays what period by period (in-kind periods donated by the vendor or a partner), each
party's signatory and signature, and the signed PDF rendered once it is executed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources

# The object permission a signatory holds on one contract (Contract.Meta.permissions).
SIGN = "contracts.sign_contract"

OFFICERS_ONLY = "Only a procurement officer may do this."


def _is_officer(actor, contract) -> bool:
    return actor.is_officer


class Contract(models.Model):
    """The contract. Its terms (term, capital part, in-kind periods, parties' signatories and
    the text) change only in `draft` and `out_for_signature`; a change once out for
    signature voids every signature and returns it to `draft`. From `executed` on nothing of
    it changes (invariant 7): only the clock (active, completed) and a termination move it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OUT_FOR_SIGNATURE = "out_for_signature", "Out for signature"
        EXECUTED = "executed", "Executed"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        TERMINATED = "terminated", "Terminated"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="contract",
        transitions=[
            Transition(
                "send", sources(Status.DRAFT), Status.OUT_FOR_SIGNATURE,
                verb=Verb.CONTRACT_SEND, done="sent for signature",
                who=_is_officer, denied=OFFICERS_ONLY,
            ),
            # The officer takes it back, or a change voids the signatures (the same move).
            Transition(
                "recall", sources(Status.OUT_FOR_SIGNATURE), Status.DRAFT,
                verb=Verb.CONTRACT_RECALL, done="returned to draft",
                who=_is_officer, denied=OFFICERS_ONLY,
            ),
            # The last party's signature.
            Transition(
                "execute", sources(Status.OUT_FOR_SIGNATURE), Status.EXECUTED,
                verb=Verb.CONTRACT_EXECUTE, done="executed",
            ),
            # The clock: from the start date, and at the end of the term.
            Transition(
                "activate", sources(Status.EXECUTED), Status.ACTIVE,
                verb=Verb.CONTRACT_ACTIVATE, done="made active",
            ),
            Transition(
                "complete", sources(Status.ACTIVE), Status.COMPLETED,
                verb=Verb.CONTRACT_COMPLETE, done="completed",
            ),
            Transition(
                "terminate", sources(Status.EXECUTED, Status.ACTIVE), Status.TERMINATED,
                verb=Verb.CONTRACT_TERMINATE, done="terminated",
                who=_is_officer, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on
    EDITABLE = frozenset({Status.DRAFT, Status.OUT_FOR_SIGNATURE})
    # Executed and after: what the public sees and what the PDF records.
    OF_RECORD = frozenset({Status.EXECUTED, Status.ACTIVE, Status.COMPLETED, Status.TERMINATED})

    municipality = models.ForeignKey(
        "departments.Municipality", on_delete=models.PROTECT, related_name="contracts"
    )
    # RIV-C-2026-0001: unique per municipality, as solicitation references are.
    number = models.CharField(max_length=40)
    award = models.ForeignKey(
        "procurements.Award", on_delete=models.PROTECT, related_name="contracts"
    )
    solicitation = models.ForeignKey(
        "procurements.Solicitation", on_delete=models.PROTECT, related_name="contracts"
    )
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="contracts")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The term: from the start date (in the municipality's time zone) for `term_years` years.
    start_date = models.DateField()
    term_years = models.PositiveSmallIntegerField()
    # When the start and the end of the term fall, as instants: what the chronograph compares
    # with the database clock.
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The awarded total, its one-time (capital) part; the rest recurs, spread over the years.
    total_minor = models.BigIntegerField()
    capital_minor = models.BigIntegerField(default=0)
    # [{"period": 1, "donor": "Acme Signal Co.", "donor_is_vendor": true}, ...]
    in_kind = models.JSONField(default=list)
    # The schedule (contracts.schedule.compute_schedule().as_json()): recomputed on every
    # change while editable, frozen from execution on.
    schedule = models.JSONField()
    # Special terms the officer adds to the standard text (printed as typed, never as markup).
    special_terms = models.TextField(blank=True)
    # Bumped by every change: a signature belongs to one revision.
    revision = models.PositiveIntegerField(default=1)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    executed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["municipality", "-prepared_at", "-id"]
        permissions = [("sign_contract", "May sign this contract for one of its parties")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "number"], name="contract_number_unique"
            ),
            # One contract per award: preparing it twice finds the first.
            models.UniqueConstraint(fields=["award"], name="contract_once_per_award"),
            models.CheckConstraint(
                condition=Q(capital_minor__gte=0) & Q(capital_minor__lte=models.F("total_minor")),
                name="contract_capital_within_total",
            ),
            models.CheckConstraint(condition=Q(term_years__gte=1), name="contract_term_positive"),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="contract_list"),
            # The chronograph's sweeps: executed ones whose term has begun, active ones whose
            # term has ended.
            models.Index(
                fields=["starts_at"], condition=Q(status="executed"), name="contract_start_due"
            ),
            models.Index(fields=["ends_at"], condition=Q(status="active"), name="contract_end_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_of_record(self) -> bool:
        return self.status in self.OF_RECORD

    @property
    def currency(self) -> str:
        return self.municipality.currency


class ContractUserPermission(UserObjectPermissionBase):
    """guardian's grants on a contract, by a direct foreign key (STYLE.md 7): a row per
    signatory, revoked when the officer names another."""

    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)


class ContractGroupPermission(GroupObjectPermissionBase):
    """Unused (grants are to people), declared so guardian never falls back to its generic
    table for contracts."""

    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)


class ContractCounter(models.Model):
    """The last contract number of a municipality in a year (locked while a number is drawn)."""

    municipality = models.ForeignKey("departments.Municipality", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="contract_counter_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_number}"


class Party(models.Model):
    """One party of the contract: the vendor, or a participating department with its total
    share and fund code; and the person who signs for it."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", "Vendor"
        DEPARTMENT = "department", "Department"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    department = models.ForeignKey(
        "departments.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The department's total over the term and the fund code its head charged it to.
    amount_minor = models.BigIntegerField(default=0)
    fund_code = models.CharField(max_length=30, blank=True)
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # How the signatory is printed: "Dana Reyes, Head of Transportation".
    signatory_title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["contract", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "department"],
                condition=Q(kind="department"),
                name="party_department_once",
            ),
            models.UniqueConstraint(
                fields=["contract"], condition=Q(kind="vendor"), name="party_vendor_once"
            ),
            models.CheckConstraint(
                condition=(Q(kind="vendor") & Q(department__isnull=True))
                | (Q(kind="department") & Q(department__isnull=False)),
                name="party_department_iff_department_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.contract_id}"

    @property
    def is_vendor(self) -> bool:
        return self.kind == self.Kind.VENDOR

    @property
    def name(self) -> str:
        if self.is_vendor:
            return self.contract.vendor.name
        return self.department.name

    @property
    def code(self) -> str:
        """The party as the API and the forms name it: a department's code, or "vendor"."""
        return self.Kind.VENDOR.value if self.is_vendor else self.department.code


class Signature(models.Model):
    """A party's signature on one revision of the contract: who signed, the name they typed,
    their consent to sign electronically, the database time and the client's address. A
    change of the contract voids it (kept, with the time it was voided)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="signatures")
    revision = models.PositiveIntegerField()
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    typed_name = models.CharField(max_length=200)
    consented = models.BooleanField()
    signed_at = models.DateTimeField()  # by the database clock
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["contract", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(voided_at__isnull=True), name="signature_one_live"
            ),
            models.CheckConstraint(condition=Q(consented=True), name="signature_consented"),
        ]

    def __str__(self) -> str:
        return f"{self.typed_name} for party {self.party_id} (revision {self.revision})"

    @property
    def is_live(self) -> bool:
        return self.voided_at is None


class ContractPdf(models.Model):
    """The executed contract's signed PDF: one per contract, rendered once by a Celery task
    (a second run finds it ready), with the SHA-256 of the stored bytes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to render"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="contract PDF",
        audit_on=lambda pdf: pdf.contract,
        transitions=[
            Transition(
                "finish", sources(Status.PENDING, Status.FAILED), Status.READY,
                verb=Verb.CONTRACT_PDF_READY, done="stored",
            ),
            Transition(
                "fail", sources(Status.PENDING), Status.FAILED,
                verb=Verb.CONTRACT_PDF_FAIL, done="failed",
            ),
        ],
    )
    # fmt: on

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="pdf")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="contracts/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    requested_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["sha256"], name="contract_pdf_by_hash"),
            models.Index(
                fields=["requested_at"], condition=Q(status="pending"), name="contract_pdf_waiting"
            ),
        ]

    def __str__(self) -> str:
        return f"PDF of {self.contract_id} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def file_name(self) -> str:
        return f"{self.contract.number}.pdf"
