"""E-mails of the evaluation and the award (issue 12), each keyed by its event so a person
gets it once however often a service or a retry asks (p3hub.mail.email_people), after the
change commits. Nothing here checks permissions: the calling service did."""

from django.urls import reverse
from django.utils import timezone

from departments.selectors import heads_of
from p3hub.mail import email_people, site_link
from p3hub.money import format_money
from procurements.models import Award, AwardShare, Bid, Protest, Solicitation
from procurements.services.notices import _creator
from vendors.selectors import users_of_companies

TEMPLATES = "procurements/email"


def _link(name: str, solicitation: Solicitation) -> str:
    return site_link(reverse(name, args=[solicitation.municipality.slug, solicitation.reference]))


def _send(key: str, people, event: str, solicitation: Solicitation, **context) -> int:
    municipality = solicitation.municipality
    with timezone.override(municipality.zone):
        return email_people(
            key=key,
            people=people,
            template=f"{TEMPLATES}/{event}",
            context={
                "solicitation": solicitation,
                "municipality": municipality,
                "currency": municipality.currency,
                **context,
            },
            municipality=municipality,
        )


def notify_appointed(solicitation: Solicitation, evaluator) -> int:
    """The new evaluator: what to do first (declare), with the link."""
    return _send(
        f"evaluator-appointed:{solicitation.pk}:{evaluator.pk}",
        [evaluator],
        "evaluator_appointed",
        solicitation,
        link=_link("evaluation-declare", solicitation),
    )


def notify_conflict(solicitation: Solicitation, evaluator, companies: list[str]) -> int:
    """The officer: an evaluator declared a conflict and was removed."""
    return _send(
        f"evaluator-conflict:{solicitation.pk}:{evaluator.pk}",
        _creator(solicitation),
        "evaluator_conflict",
        solicitation,
        evaluator=evaluator,
        companies=companies,
        link=_link("evaluation", solicitation),
    )


def notify_sheet_submitted(solicitation: Solicitation, evaluator) -> int:
    """The officer: one more sheet is in (keyed by the evaluation round)."""
    round_ = solicitation.evaluation.round
    return _send(
        f"sheet-submitted:{solicitation.pk}:{evaluator.pk}:{round_}",
        _creator(solicitation),
        "score_sheet_submitted",
        solicitation,
        evaluator=evaluator,
        link=_link("evaluation", solicitation),
    )


def notify_award_proposed(award: Award) -> int:
    """Each participating department's heads: their department's exact amount to approve."""
    solicitation = award.solicitation
    currency = solicitation.municipality.currency
    queued = 0
    for share in award.shares.select_related("department"):
        queued += _send(
            f"award-proposed:{award.pk}:{share.department_id}",
            heads_of([share.department]).order_by("pk"),
            "award_proposed",
            solicitation,
            award=award,
            vendor=award.bid.vendor,
            department=share.department,
            amount=format_money(share.amount_minor, currency),
            total=format_money(award.total_minor, currency),
            link=site_link(reverse("approval-inbox", args=[solicitation.municipality.slug])),
        )
    return queued


def notify_award_rejected(award: Award, share: AwardShare) -> int:
    """The officer: which department rejected the award, and why; the evaluation reopened."""
    solicitation = award.solicitation
    return _send(
        f"award-rejected:{award.pk}",
        _creator(solicitation),
        "award_rejected",
        solicitation,
        award=award,
        share=share,
        link=_link("evaluation", solicitation),
    )


def _bidder_context(award: Award, bid: Bid) -> dict:
    """What one bidder learns from the notice: the winner, its own rank and scores, or why
    its bid was not responsive."""
    row = next((row for row in award.ranking["rows"] if row["bid"] == bid.pk), None)
    averages = (row or {}).get("criteria", {})
    return {
        "scores": [
            (criterion["name"], averages.get(str(criterion["id"])) or "not scored")
            for criterion in award.ranking["criteria"]
        ]
        if row
        else [],
        "bid": bid,
        "won": bid.pk == award.bid_id,
        "row": row,
        "ranked": len(award.ranking["rows"]),
        "non_responsive": bid.get_responsiveness_reason_display()
        if bid.status == Bid.Status.NON_RESPONSIVE
        else "",
    }


def notify_award_published(award: Award) -> int:
    """The winner and each unsuccessful bidder (their rank and scores, or why they were not
    responsive), the departments' heads and the officer."""
    solicitation = award.solicitation
    currency = solicitation.municipality.currency
    common = {
        "award": award,
        "vendor": award.bid.vendor,
        "total": format_money(award.total_minor, currency),
        "notice_link": _link("solicitation-award", solicitation),
        "portal_link": _link("vendor-award", solicitation),
    }
    queued = 0
    opened = solicitation.bids.filter(status__in=Bid.OPENED_STATES).select_related("vendor")
    for bid in opened:
        queued += _send(
            f"award-published:{award.pk}:bid:{bid.pk}",
            users_of_companies([bid.vendor_id]),
            "award_published_bidder",
            solicitation,
            **common,
            **_bidder_context(award, bid),
        )
    departments = [share.department for share in award.shares.select_related("department")]
    staff = {person.pk: person for person in heads_of(departments)}
    staff.update({person.pk: person for person in _creator(solicitation)})
    queued += _send(
        f"award-published:{award.pk}:staff",
        staff.values(),
        "award_published_staff",
        solicitation,
        **common,
    )
    return queued


def notify_protest_filed(protest: Protest) -> int:
    solicitation = protest.award.solicitation
    return _send(
        f"protest-filed:{protest.pk}",
        _creator(solicitation),
        "protest_filed",
        solicitation,
        protest=protest,
        link=_link("award", solicitation),
    )


def notify_protest_resolved(protest: Protest) -> int:
    """The protesting company: the decision and its reasons."""
    solicitation = protest.award.solicitation
    return _send(
        f"protest-resolved:{protest.pk}",
        users_of_companies([protest.vendor_id]),
        "protest_resolved",
        solicitation,
        protest=protest,
        link=_link("vendor-award", solicitation),
    )


def notify_award_final(award: Award) -> int:
    """The winner, the officer and the heads: the award is final (the contract may follow)."""
    solicitation = award.solicitation
    departments = [share.department for share in award.shares.select_related("department")]
    people = {person.pk: person for person in heads_of(departments)}
    people.update({person.pk: person for person in _creator(solicitation)})
    people.update({person.pk: person for person in users_of_companies([award.bid.vendor_id])})
    return _send(
        f"award-final:{award.pk}",
        people.values(),
        "award_final",
        solicitation,
        award=award,
        vendor=award.bid.vendor,
        notice_link=_link("solicitation-award", solicitation),
    )
