"""What vendors do around a published solicitation before bidding: follow it and ask
questions, which the officer answers for everyone with the asker hidden (DESIGN.md 3)."""

from django.conf import settings
from django.db import models

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.common import OFFICERS_ONLY
from procurements.models.solicitations import Solicitation


def _officer_of_its_city(actor, question) -> bool:
    municipality = getattr(actor, "municipality", None)
    return (
        getattr(actor, "is_officer", False)
        and municipality is not None
        and municipality.pk == question.solicitation.municipality_id
    )


class Follow(models.Model):
    """A company follows a solicitation: it is e-mailed its answers and addenda, and must
    acknowledge every addendum."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="follows")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="follows")
    followed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "vendor"], name="follow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} follows {self.solicitation}"


class Question(models.Model):
    """A vendor's question about a published solicitation, numbered within it. Private to the
    company and the city's staff until answered; the answer is public and never names the
    asker."""

    class Status(models.TextChoices):
        ASKED = "asked", "Awaiting an answer"
        ANSWERED = "answered", "Answered"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="question",
        audit_on=lambda question: question.solicitation,
        transitions=[
            Transition(
                "answer", sources(Status.ASKED), Status.ANSWERED,
                verb=Verb.QUESTION_ANSWER, done="answered",
                who=_officer_of_its_city, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="questions"
    )
    number = models.PositiveIntegerField()
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    asked_at = models.DateTimeField()  # by the database clock
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "number"], name="question_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["solicitation", "status", "number"], name="question_status"),
            models.Index(fields=["vendor", "-asked_at"], name="question_vendor"),
        ]

    def __str__(self) -> str:
        return f"Question {self.number} on {self.solicitation.reference}"
