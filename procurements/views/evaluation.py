"""The joint evaluation of one solicitation as its staff see it (issue 12).

The evaluation page shows each person their part: the officer runs the committee (appoints
and removes evaluators, decides each opened bid's responsiveness, closes and reopens the
evaluation); the heads of the participating departments follow it read-only; an evaluator
sees what to do next; any other member of the municipality only where it stands. The
committee view (the ranking with every evaluator's scores) is for whom
selectors.may_see_committee says.

An evaluator declares per bidder (the declaration page, 404 to anyone never appointed), and
only once cleared (granted and no conflict with any bidder: selectors.is_cleared) opens the
score sheet, the one page here that shows them bid content (404 to anyone else). Every rule
and message is the services'; these views parse and call.
"""

from functools import cached_property

from django.http import Http404
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views.base import ServiceFormMixin, get_or_404
from departments.views.confirm import ConfirmActionMixin
from p3hub.errors import NotFound
from p3hub.formatting import zone_name
from p3hub.forms import NoInputForm
from procurements import forms, scoring, selectors, services
from procurements.models import Bid, NonResponsive, ScoreSheet
from procurements.services.common import require_officer
from procurements.services.evaluation import EVALUATING
from procurements.views.base import AFTER_OPENING
from procurements.views.manage import SolicitationMixin

REASONS = dict(NonResponsive.choices)
# The forms of the evaluation page that a refusal brings back (each action's form_name).
REFUSABLE = ("grant_form", "revoke_form", "bid_form", "close_form", "reopen_form")


class EvaluationPages(SolicitationMixin):
    """The addresses and breadcrumbs the evaluation pages share."""

    def evaluation_url(self, fragment: str = "") -> str:
        url = self.tenant_url("evaluation", self.solicitation.reference)
        return f"{url}#{fragment}" if fragment else url

    def sheet_url(self, fragment: str = "") -> str:
        url = self.tenant_url("score-sheet", self.solicitation.reference)
        return f"{url}#{fragment}" if fragment else url

    def crumbs(self) -> list[tuple[str, str]]:
        return [
            ("Solicitations", self.tenant_url("solicitation-manage-list")),
            (self.solicitation.reference, self.detail_url()),
            ("Evaluation", self.evaluation_url()),
        ]


class EvaluationMixin(EvaluationPages):
    """Every member of the municipality sees where the evaluation stands (as they see the
    tabulation); its details are for the officer, the heads of the participating
    departments (`heads_here`) and this solicitation's evaluators (`evaluates`)."""

    def load_objects(self):
        super().load_objects()
        joined = {department.pk for department in self.solicitation.joined_departments()}
        self.heads_here = bool(self.actor.headed_department_ids & joined)
        self.evaluates = selectors.is_evaluator(self.actor.user, self.solicitation)


class EvaluationView(EvaluationMixin, TemplateView):
    template_name = "procurements/evaluation/page.html"

    def get_context_data(self, **kwargs):
        # A form refused at its action URL, shown again here: needed before the bids' forms
        # are built (the page's base adds it to the context only afterwards).
        kwargs.update(self.refused_form_context())
        solicitation = self.solicitation
        evaluation = selectors.evaluation_of(solicitation)
        evaluating = solicitation.status in EVALUATING
        is_open = evaluating and (evaluation is None or evaluation.is_open)
        kwargs.update(
            solicitation=solicitation,
            currency=self.currency,
            zone=zone_name(self.municipality.time_zone),
            evaluation=evaluation,
            started=solicitation.status in AFTER_OPENING,
            is_open=is_open,
            closed=evaluation is not None and not evaluation.is_open,
            staff=self.actor.is_officer or self.heads_here,
            manages=self.actor.is_officer and is_open,
        )
        kwargs["failed_form"] = next(
            (kwargs[name] for name in REFUSABLE if name in kwargs and kwargs[name].errors), None
        )
        if kwargs["started"]:
            kwargs.update(self.staff_context(kwargs) if kwargs["staff"] else {})
            kwargs.update(self.evaluator_context() if self.evaluates else {})
            if selectors.may_see_committee(self.actor, solicitation):
                kwargs["committee"] = committee_table(selectors.committee_of(solicitation))
        return super().get_context_data(**kwargs)

    def staff_context(self, context: dict) -> dict:
        """What the officer and the heads follow: the committee, the conflicts declared, the
        opened bids with their responsiveness; for the officer the forms, while it is open."""
        solicitation = self.solicitation
        evaluators = selectors.evaluators_of(solicitation)
        conflicts = selectors.conflicted_evaluators_of(solicitation)
        found = {
            "evaluators": evaluators,
            "conflicts": conflicts,
            "bids": self.bids(manages=context["manages"], refused=context.get("bid_form")),
        }
        if context["manages"]:
            found["close_blockers"] = services.evaluation_close_blockers(solicitation)
            found["grant_form"] = context.get("grant_form") or self.grant_form(
                evaluators=evaluators, conflicts=conflicts
            )
        elif self.actor.is_officer and context["closed"] and solicitation.status in EVALUATING:
            found["reopen_form"] = context.get("reopen_form") or forms.ReasonForm()
        return found

    def bids(self, *, manages: bool, refused=None) -> list[Bid]:
        """The opened bids, lowest total first, each with what the data says against it and,
        for the officer, its decision form (the refused one in place of the blank one)."""
        bids = list(selectors.opened_bids_of(self.solicitation))
        proposals = selectors.responsiveness_proposals(self.solicitation)
        for bid in bids:
            bid.proposals = [REASONS[value] for value in proposals.get(bid.pk, [])]
            if not manages:
                continue
            if refused is not None and refused.bid_pk == bid.pk:
                bid.form = refused
            else:
                bid.form = responsiveness_form(bid, proposals.get(bid.pk, []))
        return bids

    def grant_form(self, data=None, *, evaluators=None, conflicts=None):
        """People to appoint: the municipality's active members but the officer and those
        appointed already; who declared a conflict here is said so (the service refuses)."""
        solicitation = self.solicitation
        if evaluators is None:
            evaluators = selectors.evaluators_of(solicitation)
        if conflicts is None:
            conflicts = selectors.conflicted_evaluators_of(solicitation)
        people = (
            department_selectors.people_for(self.actor)
            .filter(is_active_here=True, is_active=True)
            .exclude(pk__in=[self.actor.user.pk, *(person.pk for person in evaluators)])
        )
        conflicted = {declaration.evaluator_id for declaration in conflicts}
        return forms.EvaluatorGrantForm(data, people=people, conflicted=conflicted)

    def evaluator_context(self) -> dict:
        """An evaluator's next step: declare, then score, then read the committee's view."""
        user, solicitation = self.actor.user, self.solicitation
        sheet = selectors.sheet_of(user, solicitation)
        cleared = selectors.is_cleared(user, solicitation)
        return {
            "evaluator": {
                "declared": selectors.has_declared(user, solicitation),
                "cleared": cleared,
                "sheet": sheet,
                "submitted": sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED,
                "unscored": selectors.unscored(sheet) if cleared and sheet else None,
            }
        }


def responsiveness_form(bid: Bid, proposed: list[str], data=None) -> forms.ResponsivenessForm:
    """The decision form filled with the decision taken, or with what the data proposes."""
    if bid.status == Bid.Status.RESPONSIVE:
        initial = {"responsive": "yes"}
    elif bid.status == Bid.Status.NON_RESPONSIVE:
        initial = {
            "responsive": "no",
            "reason": bid.responsiveness_reason,
            "note": bid.responsiveness_note,
        }
    else:
        initial = {"responsive": "no", "reason": proposed[0]} if proposed else {}
    return forms.ResponsivenessForm(data, bid_pk=bid.pk, initial=initial)


def committee_table(committee: selectors.Committee) -> dict:
    """The committee view as rows of cells: per criterion the average, the weighted value
    and each evaluator's points by name, outliers marked."""
    names = {person.pk: person.display_name for person in committee.evaluators}
    rows = []
    for row in committee.rows:
        cells = [
            {
                "criterion": criterion,
                "average": result.average,
                "weighted": result.weighted,
                "scores": [
                    {"name": names.get(pk, ""), "points": points, "outlier": pk in result.outliers}
                    for pk, points in result.scores.items()
                ],
            }
            for criterion, result in zip(committee.criteria, row.result.criteria, strict=True)
        ]
        rows.append({"row": row, "bid": row.bid, "result": row.result, "cells": cells})
    return {
        "outlier_points": scoring.DEFAULT_OUTLIER_POINTS,
        "criteria": committee.criteria,
        "price": committee.price,
        "evaluators": committee.evaluators,
        "rows": rows,
        "non_responsive": [
            {"bid": bid, "reason": REASONS.get(bid.responsiveness_reason, "")}
            for bid in committee.non_responsive
        ],
    }


# --- the officer's actions, each posting to its own URL -------------------------------------------


class EvaluationActionView(ServiceFormMixin, EvaluationView):
    """POST only: one form, one service. A refusal returns to the evaluation page (303),
    which shows the bound form in place of the blank one; success returns there too."""

    http_method_names = ["post"]
    fragment = ""

    def refusal_page_url(self) -> str:
        return self.evaluation_url(self.fragment)

    def success_url(self, result) -> str:
        return self.evaluation_url(self.fragment)


class EvaluationConfirmMixin(ConfirmActionMixin):
    def confirm_back_url(self) -> str:
        return self.evaluation_url(self.fragment)

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return self.crumbs()

    def confirm_check(self) -> None:
        require_officer(self.actor)  # the confirm page itself is the officer's


class EvaluatorGrantView(EvaluationActionView):
    form_name, fragment = "grant_form", "committee"

    def build_form(self, data=None, files=None):
        return self.grant_form(data)

    def run(self, form):
        try:
            user = department_selectors.person_get_for(self.actor, form.cleaned_data["user"])
        except NotFound:
            user = None  # evaluator_grant names the field
        return services.evaluator_grant(actor=self.actor, solicitation=self.solicitation, user=user)

    def success_message(self, user) -> str:
        return (
            f"{user.display_name} is an evaluator of {self.solicitation.reference}; they were "
            "e-mailed to declare any conflict of interest first."
        )


class EvaluatorRevokeView(EvaluationConfirmMixin, EvaluationActionView):
    form_name, fragment = "revoke_form", "committee"
    confirm_button = "Remove the evaluator"
    confirm_button_class = "button button--warning"

    def load_objects(self):
        super().load_objects()
        self.person = get_or_404(
            department_selectors.person_get_for, self.actor, self.kwargs["user_pk"]
        )

    def confirm_check(self) -> None:
        super().confirm_check()
        if not selectors.is_evaluator(self.person, self.solicitation):
            raise NotFound("No such evaluator.")

    @property
    def confirm_title(self) -> str:
        reference = self.solicitation.reference
        return f"Remove {self.person.display_name} from the evaluation of {reference}?"

    def confirm_consequences(self) -> list[str]:
        return [
            f"{self.person.display_name} no longer sees the bids or scores them.",
            "A draft score sheet of theirs is deleted; a submitted one stays on the record but "
            "no longer counts in the ranking.",
        ]

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        services.evaluator_revoke(
            actor=self.actor, solicitation=self.solicitation, user=self.person
        )
        return self.person

    def success_message(self, person) -> str:
        return f"{person.display_name} is no longer an evaluator."


class ResponsivenessView(EvaluationActionView):
    """The officer's decision on one opened bid; the service resolves the bid the URL names
    (an unknown one is refused on the form, as the API refuses it)."""

    form_name = "bid_form"

    @property
    def fragment(self) -> str:
        return f"bid-{self.kwargs['pk']}"

    def build_form(self, data=None, files=None):
        return forms.ResponsivenessForm(data, bid_pk=self.kwargs["pk"])

    def run(self, form):
        return services.bid_responsiveness_set(
            actor=self.actor,
            solicitation=self.solicitation,
            bid=self.kwargs["pk"],
            **form.service_arguments(),
        )

    def success_message(self, bid) -> str:
        found = "responsive" if bid.status == Bid.Status.RESPONSIVE else "not responsive"
        return f"The bid of {bid.vendor.name} was found {found}."


class EvaluationCloseView(EvaluationConfirmMixin, EvaluationActionView):
    form_name, fragment = "close_form", "close"
    confirm_button = "Close the evaluation"

    @property
    def confirm_title(self) -> str:
        return f"Close the evaluation of {self.solicitation.reference}?"

    def confirm_blockers(self) -> list[str]:
        blockers = services.evaluation_close_blockers(self.solicitation)
        return [blocker[:1].upper() + blocker[1:] + "." for blocker in blockers]

    def confirm_consequences(self) -> list[str]:
        return [
            "Every score and responsiveness decision is locked; the ranking is final for "
            "this round.",
            "You can then propose the award; reopening the evaluation needs a reason.",
        ]

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.evaluation_close(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, evaluation) -> str:
        return "The evaluation is closed: the scores are locked. Propose the award next."

    def success_url(self, evaluation) -> str:
        return self.evaluation_url("award")


class EvaluationReopenView(EvaluationConfirmMixin, EvaluationActionView):
    form_name, fragment = "reopen_form", "reopen"
    confirm_button = "Reopen the evaluation"
    confirm_button_class = "button button--warning"

    @property
    def confirm_title(self) -> str:
        return f"Reopen the evaluation of {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        return [
            "A new round starts: every submitted score sheet goes back to its evaluator.",
            "An award proposed and not yet published is withdrawn.",
            "The reason is kept on the record.",
        ]

    def build_form(self, data=None, files=None):
        return forms.ReasonForm(data)

    def run(self, form):
        return services.evaluation_reopen(
            actor=self.actor, solicitation=self.solicitation, reason=form.cleaned_data["reason"]
        )

    def success_message(self, evaluation) -> str:
        return f"The evaluation is open again (round {evaluation.round})."


# --- the evaluator's pages --------------------------------------------------------------------


class DeclarationView(ServiceFormMixin, EvaluationPages, TemplateView):
    """An evaluator's declaration, once: a form until it is made, then what was declared. A
    conflict removes them (they keep this page, which says so, and nothing else here)."""

    template_name = "procurements/evaluation/declaration.html"

    def load_objects(self):
        super().load_objects()
        user = self.actor.user
        self.evaluates = selectors.is_evaluator(user, self.solicitation)
        self.conflicts = list(selectors.declared_conflicts(self.solicitation, user))
        if not (self.evaluates or self.conflicts):
            raise Http404("Not found.")

    def get_context_data(self, **kwargs):
        declared = bool(self.conflicts) or selectors.has_declared(
            self.actor.user, self.solicitation
        )
        if not declared:
            kwargs.setdefault("form", self.build_form())
        kwargs.update(
            solicitation=self.solicitation,
            declared=declared,
            conflicts=self.conflicts,
            crumbs=self.crumbs()[:2],
        )
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        return forms.DeclarationForm(
            data,
            bidders=selectors.bidders_of(self.solicitation),
            signer_name=self.actor.user.display_name,
        )

    def run(self, form):
        return services.declaration_submit(
            actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
        )

    def success_message(self, declarations) -> str:
        conflicted = [d.vendor.name for d in declarations if d.has_conflict]
        if conflicted:
            return (
                f"You declared a conflict of interest with {', '.join(conflicted)}: you were "
                "removed from this evaluation and the officer was told."
            )
        return "Your declaration was recorded: you may now see the bids and score them."

    def success_url(self, declarations) -> str:
        if any(d.has_conflict for d in declarations):
            return self.tenant_url("evaluation-declare", self.solicitation.reference)
        return self.tenant_url("score-sheet", self.solicitation.reference)


class ScoreSheetView(ServiceFormMixin, EvaluationPages, TemplateView):
    """A cleared evaluator's own sheet: every responsive bid (company, total, its opened
    unit prices) by every criterion but price. 404 to anyone not cleared: not appointed,
    not declared yet, or removed by a declared conflict."""

    template_name = "procurements/evaluation/sheet.html"

    def load_objects(self):
        super().load_objects()
        if not selectors.is_cleared(self.actor.user, self.solicitation):
            raise Http404("Not found.")

    @cached_property
    def sheet(self) -> ScoreSheet | None:
        return selectors.sheet_of(self.actor.user, self.solicitation)

    @cached_property
    def bids(self) -> list[Bid]:
        """The responsive bids, lowest total first, each with its priced lines."""
        tabulation = selectors.tabulation_of(self.solicitation)
        bids = []
        for row in tabulation.rows:
            if row.bid.status == Bid.Status.RESPONSIVE:
                row.bid.priced = row.lines
                bids.append(row.bid)
        return bids

    def sheet_form(self, data=None) -> forms.ScoreSheetForm:
        scores = self.sheet.scores.all() if self.sheet else []
        saved = {(score.bid_id, score.criterion_id): score for score in scores}
        return forms.ScoreSheetForm(
            data,
            bids=self.bids,
            criteria=selectors.criteria_scored_of(self.solicitation),
            scores=saved,
        )

    def get_context_data(self, **kwargs):
        sheet, solicitation = self.sheet, self.solicitation
        evaluation = selectors.evaluation_of(solicitation)
        open_now = (
            solicitation.status in EVALUATING and evaluation is not None and evaluation.is_open
        )
        submitted = sheet is not None and sheet.status == ScoreSheet.Status.SUBMITTED
        kwargs.setdefault("form", self.sheet_form())
        kwargs.setdefault("submit_form", NoInputForm())
        kwargs.update(
            solicitation=solicitation,
            currency=self.currency,
            sheet=sheet,
            submitted=submitted,
            editable=open_now and not submitted,
            evaluation=evaluation,
            unscored=selectors.unscored(sheet) if sheet else None,
            crumbs=self.crumbs(),
        )
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        return self.sheet_form(data)

    def run(self, form):
        return services.score_sheet_save(
            actor=self.actor, solicitation=self.solicitation, scores=form.scores()
        )

    def success_message(self, sheet) -> str:
        missing = selectors.unscored(sheet)
        still = f" {missing} still to score." if missing else " Every bid is scored: submit it."
        return "Your scores were saved as a draft; only you see them." + still

    def success_url(self, sheet) -> str:
        return self.sheet_url()


class ScoreSheetSubmitView(ConfirmActionMixin, ScoreSheetView):
    """GET: the confirm step; POST with confirmed=1 submits the sheet. A refusal (bids left
    unscored) comes back to the sheet after a 303, on the submit button's form."""

    form_name = "submit_form"
    confirm_button = "Submit my score sheet"

    @property
    def confirm_title(self) -> str:
        return f"Submit your score sheet for {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        return [
            "Your scores are locked: you can no longer change them unless the officer reopens "
            "the evaluation.",
            "You then see every evaluator's submitted scores and the ranking.",
            "The officer is told by e-mail.",
        ]

    def confirm_back_url(self) -> str:
        return self.sheet_url()

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [*self.crumbs(), ("Score sheet", self.sheet_url())]

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.score_sheet_submit(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, sheet) -> str:
        return "Your score sheet is submitted. The committee's scores are below."

    def success_url(self, sheet) -> str:
        return self.evaluation_url("committee-view")

    def refusal_page_url(self) -> str:
        return self.sheet_url("submit")
