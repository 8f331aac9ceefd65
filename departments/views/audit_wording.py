"""How an audit event reads to a clerk: one sentence per verb ("Priya Shah approved Public
Safety's share, $5,000.00, of version 1"), the fields that changed under human labels, money
and dates as the municipality writes them, and links to what the event is about.

The sentences use what each service records in the event's before/after (see the services
of departments and procurements); a detail an event lacks reads as nothing, never as an error,
so events written before a wording existed still read."""

import re
import string

from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime

from departments.models import Membership
from p3hub.audit import Verb
from p3hub.formatting import format_datetime
from p3hub.money import format_money

MINOR = "_minor"  # the audit records amounts as stored, in minor units
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WITHHELD = "(e-mail withheld)"
SYSTEM = "P3 Hub (automatically)"

V = Verb
# {actor} is who acted; {object} what the event is about; {reference} a solicitation's
# reference; {department} a department's name; the rest are details the event records.
SENTENCES: dict[str, str] = {
    V.MUNICIPALITY_CREATE: "{actor} opened {object} on P3 Hub",
    V.DEPARTMENT_CREATE: "{actor} added the department {object}",
    V.DEPARTMENT_UPDATE: "{actor} changed the department {object}",
    V.PERSON_CREATE: "{actor} created the account of {object}",
    V.PERSON_UPDATE: "{actor} changed the details of {object}",
    V.PERSON_DELETE: "{actor} deleted the account of {object}",
    V.PERSON_DEACTIVATE: "{actor} deactivated {object}",
    V.PERSON_REACTIVATE: "{actor} reactivated {object}",
    V.INVITATION_SEND: "{actor} invited {email} as {role}{of_department}",
    V.INVITATION_ACCEPT: "{actor} accepted the invitation of {email}",
    V.INVITATION_REVOKE: "{actor} withdrew the invitation of {email}",
    V.MEMBERSHIP_GRANT: "{actor} made {user} {role}{of_department}",
    V.MEMBERSHIP_REVOKE: "{actor} revoked the role of {user} as {role}{of_department}",
    V.VENDOR_REGISTER: "{actor} registered the company {object}",
    V.VENDOR_USER_CONFIRM: "{actor} confirmed their e-mail address {email}",
    V.VENDOR_UPDATE: "{actor} changed the profile of {object}",
    V.VENDOR_USER_INVITE: "{actor} invited {email} to act for {object}",
    V.VENDOR_USER_ACCEPT: "{actor} accepted the invitation to act for {object}",
    V.VENDOR_USER_REMOVE: "{actor} removed {user} from {object}",
    V.CERTIFICATE_ADD: "{actor} uploaded {file_name} for {object}",
    V.CERTIFICATE_REMOVE: "{actor} took down {file_name} of {object}",
    V.SOLICITATION_CREATE: "{actor} created {object}",
    V.SOLICITATION_UPDATE: "{actor} changed the overview or key dates of {reference}",
    V.SOLICITATION_SUBMIT: "{actor} sent {reference} to the departments for approval",
    V.SOLICITATION_APPROVE: "Every department approved {reference}",
    V.SOLICITATION_REOPEN: "{reference} returned to approval",
    V.SOLICITATION_SCHEDULE: "{actor} scheduled {reference} for publication",
    V.SOLICITATION_PUBLISH: "{actor} published {reference}",
    V.SOLICITATION_CLOSE: "Bidding closed on {reference}",
    V.SOLICITATION_OPEN: "{actor} opened the bids of {reference}",
    V.SOLICITATION_EVALUATE: "{actor} started the evaluation of {reference}",
    V.SOLICITATION_AWARD: "{actor} awarded {reference}",
    V.SOLICITATION_CANCEL: "{actor} cancelled {reference}{because}",
    V.LINE_ITEM_ADD: "{actor} added the line item “{description}”",
    V.LINE_ITEM_UPDATE: "{actor} changed the line item “{description}”",
    V.LINE_ITEM_REMOVE: "{actor} removed the line item “{description}”",
    V.CRITERIA_SET: "{actor} set the evaluation criteria of {reference}",
    V.DOCUMENT_ADD: "{actor} attached a document to {reference}",
    V.PARTICIPATION_INVITE: "{actor} invited {department} to share {reference}",
    V.PARTICIPATION_JOIN: "{actor} joined {reference} for {department}",
    V.PARTICIPATION_DECLINE: "{actor} declined {reference} for {department}{because}",
    V.PARTICIPATION_WITHDRAW: "{actor} withdrew {department} from {reference}",
    V.COST_SPLIT_PROPOSE: "{actor} proposed cost split version {version}",
    V.COST_SPLIT_APPROVE: "Every department approved cost split version {version}",
    V.COST_SPLIT_REJECT: "Cost split version {version} was rejected",
    V.COST_SPLIT_SUPERSEDE: "Cost split version {version} was superseded",
    V.SHARE_APPROVE: "{actor} approved {department}'s share, {share}, of version {version}"
    "{charged}",
    V.SHARE_REJECT: "{actor} rejected {department}'s share of version {version}{because}",
    V.QUESTION_ASK: "{actor} asked question {number} about {reference}",
    V.QUESTION_ANSWER: "{actor} answered question {number} about {reference}",
    V.ADDENDUM_PUBLISH: "{actor} published addendum {number} to {reference}",
    V.ADDENDUM_ACKNOWLEDGE: "{actor} acknowledged addendum {number} to {reference}",
    V.BID_SUBMIT: "{actor} submitted a bid on {reference} (receipt {receipt})",
    V.BID_REVISE: "{actor} revised a bid on {reference} (receipt {receipt})",
    V.BID_WITHDRAW: "{actor} withdrew a bid on {reference} (receipt {receipt})",
    V.BID_INVALIDATE: "A bid on {reference} must be submitted again after an addendum",
    V.BID_LATE: "{actor} tried to {action} a bid on {reference} after the deadline",
    V.BID_OPEN: "A bid on {reference} was opened (receipt {receipt})",
    V.BID_RESPONSIVE: "{actor} found a bid on {reference} responsive",
    V.BID_NON_RESPONSIVE: "{actor} found a bid on {reference} non-responsive{because}",
    V.SOLICITATION_REEVALUATE: "{reference} returned to evaluation",
    V.EVALUATOR_GRANT: "{actor} appointed an evaluator of {reference}",
    V.EVALUATOR_REVOKE: "{actor} removed an evaluator of {reference}",
    V.EVALUATOR_DECLARE: "{actor} declared no conflict of interest with any bidder on {reference}",
    V.EVALUATOR_CONFLICT: "{actor} declared a conflict of interest on {reference} and was removed",
    V.EVALUATION_CLOSE: "{actor} closed the evaluation of {reference}",
    V.EVALUATION_REOPEN: "The evaluation of {reference} was reopened{because}",
    V.SCORE_SHEET_SUBMIT: "{actor} submitted a score sheet on {reference}",
    V.SCORE_SHEET_RETURN: "A score sheet on {reference} went back to its evaluator",
    V.AWARD_PROPOSE: "{actor} proposed award {award} of {reference} to {vendor}",
    V.AWARD_APPROVE: "Every department approved award {award} of {reference}",
    V.AWARD_REJECT: "Award {award} of {reference} was rejected",
    V.AWARD_PUBLISH: "{actor} published the notice of award {award} of {reference}",
    V.AWARD_FINAL: "Award {award} of {reference} became final",
    V.AWARD_ANNUL: "Award {award} of {reference} was withdrawn{because}",
    V.AWARD_SHARE_APPROVE: "{actor} approved {department}'s amount, {amount}, of award {award}",
    V.AWARD_SHARE_REJECT: "{actor} rejected {department}'s amount of award {award}{because}",
    V.PROTEST_FILE: "{actor} protested award {award} of {reference} for {vendor}",
    V.PROTEST_UPHOLD: "{actor} upheld the protest of {vendor} on {reference}",
    V.PROTEST_DENY: "{actor} denied the protest of {vendor} on {reference}",
    V.PROTEST_MOOT: "The protest of {vendor} on {reference} closed with the withdrawn award",
    V.CONTRACT_PREPARE: "{actor} prepared contract {reference} of {solicitation} with {vendor}",
    V.CONTRACT_UPDATE: "{actor} changed contract {reference} (revision {revision})",
    V.CONTRACT_SEND: "{actor} sent contract {reference} for signature",
    V.CONTRACT_RECALL: "{actor} returned contract {reference} to draft, its signatures void"
    "{because}",
    V.CONTRACT_SIGN: "{actor} signed contract {reference} for {party} as “{typed_name}”",
    V.CONTRACT_EXECUTE: "Contract {reference} was executed: every party has signed",
    V.CONTRACT_ACTIVATE: "The term of contract {reference} began",
    V.CONTRACT_COMPLETE: "The term of contract {reference} ended: the contract is completed",
    V.CONTRACT_TERMINATE: "{actor} terminated contract {reference}{because}",
    V.CONTRACT_PDF_READY: "The signed PDF of contract {reference} was stored",
    V.CONTRACT_PDF_FAIL: "The PDF of contract {reference} could not be rendered",
}

# Details the sentence already says: not repeated among the changes.
IN_THE_SENTENCE = {"status", "version", "department", "share_minor", "fund_code", "reason"}

LABELS = {
    "title": "Title",
    "description": "Description",
    "kind": "Kind",
    "reference": "Reference",
    "lead_department": "Lead department",
    "publish_at": "Publish on",
    "questions_due_at": "Questions due",
    "bids_due_at": "Bids due",
    "opening_at": "Bid opening",
    "line_item": "Line item",
    "quantity": "Quantity",
    "unit": "Unit",
    "site": "Site",
    "estimated_unit_price": "Estimated unit price",
    "criteria": "Criteria",
    "method": "Method",
    "result": "Shares",
    "code": "Code",
    "name": "Name",
    "fund_codes": "Fund codes",
    "is_active": "Active",
    "active": "Active",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "username": "Username",
    "role": "Role",
    "roles": "Roles",
    "user": "Person",
    "invited_by": "Invited by",
    "time_zone": "Time zone",
    "slug": "Address",
    "note": "Note",
    "in_kind_minor": "In kind",
}


def _choice_labels() -> dict[str, dict[str, str]]:
    # Imported here: procurements' models import departments' (this app loads first).
    from procurements.models import CostSplitVersion, Solicitation

    return {
        "method": dict(CostSplitVersion.Method.choices),
        "kind": dict(Solicitation.Kind.choices),
        "role": dict(Membership.Role.choices),
    }


# Recorded for the chain, not for a clerk: the row's own id.
NOT_SHOWN = {"line_item"}


def withheld(text: str, *, contacts: bool) -> str:
    """`text` as shown: without `contacts`, every e-mail address in it is withheld."""
    return text if contacts else EMAIL.sub(WITHHELD, text)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Reader:
    """Reads a page of events in one municipality: its currency, date format and department
    names (fetched once), and whether the reader may see contacts."""

    def __init__(self, municipality, *, contacts: bool, department_names: dict[str, str]):
        self.municipality = municipality
        self.currency = municipality.currency if municipality is not None else None
        self.contacts = contacts
        self.names = department_names
        self.choices = _choice_labels()

    def department(self, code) -> str:
        return self.names.get(code, code or "")

    def _party(self, code) -> str:
        """A contract's party as its signature event records it: a department's code, or
        "vendor"."""
        return "the vendor" if code == "vendor" else self.department(code)

    def value(self, value, *, money: bool = False) -> str:
        """An audit value as a short string: lists joined, booleans in words, nothing as a
        dash, amounts as money, recorded times as the municipality writes them."""
        if value is None or value in ("", []):
            return "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if money and self.currency and isinstance(value, int):
            return format_money(value, self.currency)
        if isinstance(value, str) and (moment := _datetime(value)) is not None:
            return format_datetime(moment, self.municipality)
        if isinstance(value, list):
            separator = "; " if any(isinstance(item, dict) for item in value) else ", "
            return separator.join(self.value(item) for item in value)
        if isinstance(value, dict):
            return self._mapping(value)
        return withheld(str(value), contacts=self.contacts)

    def _mapping(self, value: dict) -> str:
        if "departments" in value and self.currency:  # a split's result: who pays what
            return ", ".join(
                f"{self.department(code)} {format_money(amount, self.currency)}"
                for code, amount in sorted(value["departments"].items())
            )
        if "name" in value and "weight" in value:  # an evaluation criterion
            return f"{value['name']} ({value['weight']}%)"
        return ", ".join(f"{key}: {self.value(item)}" for key, item in sorted(value.items()))

    def changes(self, event) -> list[tuple[str, str | None, str | None]]:
        """(label, before, after) for each field that changed; None where a side lacks it (a
        creation has no before, a removal no after). Details the sentence says are left out."""
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        rows = []
        for name in dict.fromkeys([*before, *after]):
            if name in NOT_SHOWN or (name in IN_THE_SENTENCE and event.verb in SENTENCES):
                continue
            if name in before and name in after and before[name] == after[name]:
                continue  # unchanged: a snapshot records every field
            if name not in before and after.get(name) in ("", None, []):
                continue  # a creation's blank fields say nothing
            money = name.endswith(MINOR)
            shown = name.removesuffix(MINOR)
            label = LABELS.get(shown, shown.replace("_", " ").capitalize())
            rows.append(
                (
                    label,
                    self._side(before, name, money=money),
                    self._side(after, name, money=money),
                )
            )
        return rows

    def _side(self, side: dict, name: str, *, money: bool) -> str | None:
        if name not in side:
            return None
        value = side[name]
        if name in self.choices and isinstance(value, str):  # a choice reads as its label
            value = self.choices[name].get(value, value)
        return self.value(value, money=money)

    def sentence(self, event, person: str) -> str:
        """The event as one sentence, from SENTENCES (the verb's label for any other)."""
        pattern = SENTENCES.get(event.verb)
        if pattern is None:
            return event.verb_label
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        details = {**before, **after}
        obj = withheld(event.object_repr, contacts=self.contacts)
        reason = details.get("reason") or ""
        department = self.department(details.get("department"))
        # The event's plain details ({receipt}, {number}, {vendor}, {award}), then the ones
        # that read differently from how they are stored.
        plain = {k: v for k, v in details.items() if isinstance(v, str | int)}
        fields = _Blank(
            plain,
            actor=person,
            object=obj or "—",
            reference=obj.split(" ", 1)[0] if obj else "—",
            department=department,
            of_department=f" of {department}" if department else "",
            share=self.value(details.get("share_minor"), money=True),
            amount=self.value(details.get("amount_minor"), money=True),
            version=details.get("version", ""),
            charged=f", charged to fund {details['fund_code']}" if details.get("fund_code") else "",
            because=f": “{reason}”" if reason else "",
            description=details.get("description", ""),
            email=withheld(str(details.get("email", "")), contacts=self.contacts),
            role=self.choices["role"].get(details.get("role"), details.get("role", "")).lower(),
            user=details.get("user", ""),
            party=self._party(details.get("party")),
        )
        return string.Formatter().vformat(pattern, (), fields)


def _datetime(text: str):
    # Only full timestamps, as DjangoJSONEncoder writes them ("2026-12-02T15:00:00Z").
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return None
    try:
        return parse_datetime(text)
    except ValueError:
        return None


def object_url(event, *, contacts: bool) -> str:
    """Where the event's object is shown: a solicitation's workspace, a person's page (for
    those who read the people list), the departments list."""
    slug = event.municipality.slug if event.municipality_id else None
    if slug is None or not event.object_id:
        return ""
    try:
        if event.object_type == "procurements.solicitation" and event.object_repr:
            reference = event.object_repr.split(" ", 1)[0]
            return reverse("solicitation-manage", args=[slug, reference])
        if event.object_type == "departments.user" and contacts:
            return reverse("person-detail", args=[slug, event.object_id])
        if event.object_type == "departments.department":
            return reverse("department-list", args=[slug])
        if event.object_type == "contracts.contract" and event.object_repr:
            number = event.object_repr.split(" ", 1)[0]
            return reverse("contract", args=[slug, number])
    except NoReverseMatch:
        return ""
    return ""


def person_url(event, *, contacts: bool) -> str:
    if not (contacts and event.actor_id and event.municipality_id):
        return ""
    return reverse("person-detail", args=[event.municipality.slug, event.actor_id])
