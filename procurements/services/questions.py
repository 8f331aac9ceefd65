"""What vendors do around a published solicitation before bidding, and the officer's answer:
following it, asking a question (numbered within it, only until its questions are due by the
database clock) and answering one for everyone, with the asker never named (DESIGN.md 3)."""

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from departments.models import Membership, User
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import NotFound, ValidationFailed, get_or_not_found
from p3hub.formatting import format_datetime
from p3hub.mail import email_people, site_link
from procurements import selectors
from procurements.models import Follow, Question, Solicitation
from vendors.actor import VendorActor
from vendors.selectors import users_of_companies

QUESTION_LIMIT = 4000
ANSWER_LIMIT = 10000


def _public(solicitation: Solicitation) -> Solicitation:
    """The solicitation as the public sees it now, or NotFound (a draft, a missing one)."""
    return get_or_not_found(selectors.solicitations_public(), pk=solicitation.pk)


@transaction.atomic
def solicitation_follow(*, actor: VendorActor, solicitation: Solicitation) -> Follow:
    """The company follows a solicitation the public can see: it is e-mailed its answers and
    addenda. Following twice is one row (racing requests too: the insert ignores the
    conflict)."""
    solicitation = _public(solicitation)
    Follow.objects.bulk_create(
        [Follow(solicitation=solicitation, vendor=actor.vendor, followed_by=actor.user)],
        ignore_conflicts=True,
    )
    follow = Follow.objects.get(solicitation=solicitation, vendor=actor.vendor)
    follow.solicitation = solicitation
    return follow


@transaction.atomic
def solicitation_unfollow(*, actor: VendorActor, solicitation: Solicitation) -> None:
    """The company stops following; nothing happens if it did not follow."""
    Follow.objects.filter(solicitation=solicitation, vendor=actor.vendor).delete()


def _lock_public(solicitation: Solicitation) -> Solicitation:
    """Re-read the solicitation as the public sees it (its status by the database clock) and
    lock its row, so question numbers are handed out one at a time."""
    locked = selectors.with_status_now(
        Solicitation.objects.select_for_update(of=("self",)).select_related("municipality")
    )
    solicitation = get_or_not_found(locked, pk=solicitation.pk)
    if not solicitation.is_public:
        raise NotFound("Not found.")
    return solicitation


def questions_closed_message(solicitation: Solicitation, now) -> str | None:
    """Why no question may be asked now (None while they may): bidding is not open, or the
    questions were due. Dates in the municipality's local time. Pages read it too, to show
    the notice in place of the form."""
    due = solicitation.questions_due_at
    if due is not None and due <= now:
        when = format_datetime(due, solicitation.municipality, zone=True)
        return f"Questions closed on {when}."
    if solicitation.current_status != Solicitation.Status.PUBLISHED:
        status = solicitation.get_current_status_display().lower()
        return f"Questions are closed: this solicitation is {status}."
    return None


@transaction.atomic
def question_ask(*, actor: VendorActor, solicitation: Solicitation, text) -> Question:
    """A company's user asks about a published solicitation, before its questions are due by
    the database clock (checked under the solicitation's lock). The question is numbered
    within the solicitation, private to the company and the city's staff until answered; the
    company follows the solicitation from then on; the city's officers are e-mailed."""
    solicitation = _lock_public(solicitation)
    now = db_now()
    closed = questions_closed_message(solicitation, now)
    if closed:
        raise ValidationFailed(closed, code="questions_closed")
    text = clean_text(text, field="text", limit=QUESTION_LIMIT, required=True)
    last = solicitation.questions.aggregate(last=Max("number"))["last"] or 0
    question = Question.lifecycle.create(
        solicitation=solicitation,
        number=last + 1,
        vendor=actor.vendor,
        asked_by=actor.user,
        text=text,
        asked_at=now,
    )
    Follow.objects.bulk_create(
        [Follow(solicitation=solicitation, vendor=actor.vendor, followed_by=actor.user)],
        ignore_conflicts=True,
    )
    # The city's chain, beside the solicitation's other events; no company name in it.
    actor.audit(
        Verb.QUESTION_ASK,
        solicitation,
        after={"number": question.number},
        municipality=solicitation.municipality,
    )
    _notify_officers(question)
    return question


def officers_of(municipality) -> list[User]:
    """The municipality's active procurement officers (active accounts), each once."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__municipality=municipality,
            memberships__role=Membership.Role.OFFICER,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def solicitation_links(solicitation: Solicitation) -> dict:
    args = [solicitation.municipality.slug, solicitation.reference]
    return {
        "public_link": site_link(reverse("solicitation-public", args=args)),
        "manage_link": site_link(reverse("solicitation-manage", args=args) + "#questions"),
        "vendor_link": site_link(reverse("vendor-solicitation", args=args)),
    }


def _notify_officers(question: Question) -> int:
    solicitation = question.solicitation
    municipality = solicitation.municipality
    with timezone.override(municipality.zone):
        return email_people(
            key=f"question-asked:{question.pk}",
            people=officers_of(municipality),
            template="procurements/email/question_asked",
            context={
                "question": question,
                "solicitation": solicitation,
                "municipality": municipality,
                "company": question.vendor.name,
                **solicitation_links(solicitation),
            },
            municipality=municipality,
        )


@transaction.atomic
def question_answer(*, actor: TenantActor, question: Question, answer) -> Question:
    """An officer of the question's municipality answers it, once, for everyone: the answer
    is public from then on, with the question and never the asker. Every company following
    the solicitation, and the one that asked, is e-mailed once (per question)."""
    # Who and which state first (403, 409), then the text (400): the lifecycle checks again
    # under the row's lock.
    Question.lifecycle.check(question, "answer", actor)
    answer = clean_text(answer, field="answer", limit=ANSWER_LIMIT, required=True)
    Question.lifecycle.apply(
        question,
        "answer",
        actor=actor,
        changes={"answer": answer, "answered_by": actor.user, "answered_at": db_now()},
        details={"number": question.number},
    )
    _notify_followers(question)
    return question


def answer_recipients(question: Question) -> list[User]:
    """The active users of every company following the solicitation and of the asking
    company, each person once."""
    followers = Follow.objects.filter(solicitation_id=question.solicitation_id)
    return users_of_companies({question.vendor_id, *followers.values_list("vendor_id", flat=True)})


def _notify_followers(question: Question) -> int:
    solicitation = question.solicitation
    municipality = solicitation.municipality
    with timezone.override(municipality.zone):
        return email_people(
            key=f"question-answered:{question.pk}",
            people=answer_recipients(question),
            template="procurements/email/question_answered",
            # Nothing of the asker: the same words go to every company.
            context={
                "number": question.number,
                "question_text": question.text,
                "answer": question.answer,
                "answered_at": question.answered_at,
                "solicitation": solicitation,
                "municipality": municipality,
                **solicitation_links(solicitation),
            },
            municipality=municipality,
        )
