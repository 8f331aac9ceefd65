"""Platform-wide rows: the hash-chained audit log and the outbound e-mail queue."""

from django.conf import settings
from django.db import models

from p3hub.lifecycle import Lifecycle, Transition, sources


class AuditChain(models.Model):
    """The head of one hash chain: one per municipality plus one for platform-wide events.

    Appends lock this row, so events of one chain are numbered and linked strictly in order.
    """

    key = models.CharField(max_length=40, unique=True)
    municipality = models.OneToOneField(
        "departments.Municipality", null=True, blank=True, on_delete=models.PROTECT
    )
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain {self.key} at #{self.last_seq}"


class AuditEvent(models.Model):
    """One state change. Append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
    PostgreSQL), on PostgreSQL (migration 0002) and on SQLite (0005) alike."""

    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    municipality = models.ForeignKey(
        "departments.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    verb = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["chain", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq_unique"),
        ]
        indexes = [
            models.Index(fields=["municipality", "-seq"], name="audit_event_muni_seq"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.verb}"

    @property
    def verb_label(self) -> str:
        """What people read for the verb ("Published" for solicitation.publish)."""
        from p3hub.audit import Verb  # p3hub.audit builds on these models

        return Verb(self.verb).label if self.verb in Verb.values else self.verb


class OutboundEmail(models.Model):
    """An e-mail queued by a service; a task sends it once, however often the task runs."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    # Delivery is plumbing, not a domain change: no audit event (the change that queued the
    # e-mail has its own).
    lifecycle = Lifecycle(
        Status,
        noun="e-mail",
        audited=False,
        transitions=[
            Transition("send", sources(Status.QUEUED), Status.SENT, verb="", done="sent"),
            Transition("fail", sources(Status.QUEUED), Status.FAILED, verb="", done="failed"),
        ],
    )

    # The tenant, referred to as the audit event does (DESIGN.md 7): by its label, kept
    # while the e-mail is (a record of what the city sent), null for platform-wide mail.
    municipality = models.ForeignKey(
        "departments.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="outbound_emails",
    )
    to = models.JSONField()
    subject = models.CharField(max_length=250)
    body = models.TextField()
    # The HTML alternative of `body` (sent as multipart/alternative when given).
    html_body = models.TextField(blank=True)
    # What the e-mail tells, e.g. "share-awaiting:41:7": a second queueing of the same key is
    # a no-op, so a service or task that runs twice never sends the same notice twice.
    key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="email_status_created")]

    def __str__(self) -> str:
        return f"{self.subject} -> {', '.join(self.to)}"


class AuditCheckpoint(models.Model):
    """A municipality chain's head (number and hash) as it stood on one local day, published
    so that anyone who saves it can later prove the chain still extends it (DESIGN.md 11).

    One per chain and day: the first taken that day stands, whether by the daily beat task or
    on demand. Written once and never updated (p3hub.checkpoints has no update path).
    """

    chain = models.CharField(max_length=40)
    # The platform chain is not checkpointed: nothing public to hang it on.
    municipality = models.ForeignKey(
        "departments.Municipality", on_delete=models.PROTECT, related_name="audit_checkpoints"
    )
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    taken_at = models.DateTimeField()  # the database's clock
    day = models.DateField()  # the municipality's local date at `taken_at`

    class Meta:
        ordering = ["chain", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "day"], name="audit_checkpoint_chain_day"),
        ]

    def __str__(self) -> str:
        return f"checkpoint {self.chain}#{self.seq} ({self.day})"
