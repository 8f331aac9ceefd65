"""The departments invited to a solicitation, and their answers."""

from django.conf import settings
from django.db import models

from departments.models import Department
from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.common import OFFICERS_ONLY, is_officer
from procurements.models.solicitations import Solicitation


def _answers_for_department(actor, participation) -> bool:
    return actor.acts_for(participation.department)


def _officer_and_not_lead(actor, participation) -> bool:
    return actor.is_officer and not participation.is_lead


def _only_its_people(participation, actor) -> str:
    return f"Only people of {participation.department.code} may answer for it."


def _already_answered(participation, status) -> str:
    return f"{participation.department.code} has already {status}."


class Participation(models.Model):
    """A department invited to a solicitation; it takes part once it has joined. A withdrawn
    department is off the solicitation (the row stays for the record) until invited again."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        JOINED = "joined", "Joined"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="participation",
        # The lead department takes part from the start; every other one is invited.
        initial=(Status.INVITED, Status.JOINED),
        audit_on=lambda participation: participation.solicitation,
        transitions=[
            Transition(
                "join", sources(Status.INVITED), Status.JOINED,
                verb=Verb.PARTICIPATION_JOIN, done="joined", refused=_already_answered,
                who=_answers_for_department, denied=_only_its_people,
            ),
            Transition(
                "decline", sources(Status.INVITED), Status.DECLINED,
                verb=Verb.PARTICIPATION_DECLINE, done="declined", refused=_already_answered,
                who=_answers_for_department, denied=_only_its_people,
            ),
            Transition(
                "withdraw", sources(Status.INVITED, Status.JOINED, Status.DECLINED),
                Status.WITHDRAWN,
                verb=Verb.PARTICIPATION_WITHDRAW, done="withdrawn",
                who=_officer_and_not_lead, denied=OFFICERS_ONLY,
            ),
            Transition(
                "invite", sources(Status.WITHDRAWN), Status.INVITED,
                verb=Verb.PARTICIPATION_INVITE, done="invited again",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on
    # Every state but withdrawn: who is on the solicitation's list.
    LISTED = frozenset({Status.INVITED, Status.JOINED, Status.DECLINED})

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="participations"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "department"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} in {self.solicitation.reference}: {self.status}"

    @property
    def is_lead(self) -> bool:
        return self.department_id == self.solicitation.lead_department_id
