"""The joint evaluation in the API (issue 12, item 5), under
/api/v1/<slug>/solicitations/<reference>/evaluation/: where it stands (any member), the
committee list and the declared conflicts, an evaluator's declaration and score sheet, the
officer's responsiveness decisions and the committee view; the officer closes and reopens it.

The same selectors and services as the pages. Bid content (prices, scores) is answered only to
whom the selectors allow: an evaluator's own sheet once granted and declared no conflict
(selectors.is_cleared), the committee view to the officer, the participating heads and an
evaluator whose own sheet is in (selectors.may_see_committee); everyone else gets the 404 of a
solicitation that does not exist. The services check every role and state of the writes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from departments.api.base import AnyMember
from departments.models import User
from departments.selectors import people_for
from p3hub.errors import NotFound, ValidationFailed, get_or_not_found
from procurements import selectors, services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import (
    REFERENCE,
    conflict,
    input_example,
    refused_input,
    refused_move,
)
from procurements.models import Bid, ConflictDeclaration, Evaluation, Score, ScoreSheet
from procurements.serializers.evaluation import (
    CommitteeSerializer,
    ConflictSerializer,
    DeclarationInput,
    DeclarationSerializer,
    EvaluationSerializer,
    EvaluatorInput,
    EvaluatorSerializer,
    ReopenInput,
    ResponsivenessInput,
    ResponsivenessSerializer,
    ScoreSheetInput,
    ScoreSheetSerializer,
)

TAG = "evaluation"
USER_ID = OpenApiParameter(
    "user_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The evaluator's id."
)
BID_ID = OpenApiParameter("bid_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The bid.")

# --- example payloads: the cameras of RIV-2026-0001, opened, Acme and Beacon bidding ---------

EVALUATION = {
    "status": "open",
    "round": 1,
    "reopened_reason": "",
    "started_at": "2026-04-01T09:00:00-05:00",
    "closed_at": None,
    "close_blockers": ["wait for the score sheets of Evan Lowe"],
    "moves": ["close"],
    "you": {
        "evaluator": False,
        "declared": False,
        "cleared": False,
        "sheet_status": "",
        "sees_committee": True,
    },
}
EVALUATOR = {
    "id": 5,
    "username": "evaluator",
    "name": "Evan Lowe",
    "declared": True,
    "sheet_status": "submitted",
    "sheet_submitted_at": "2026-04-02T16:20:00-05:00",
}
CONFLICT = {
    "evaluator": "evaluator",
    "name": "Evan Lowe",
    "vendor": "Beacon Safety Technologies",
    "declared_at": "2026-04-01T10:00:00-05:00",
    "note": "My brother works at Beacon.",
}
BIDDERS = [
    {"id": 3, "name": "Acme Traffic Systems"},
    {"id": 4, "name": "Beacon Safety Technologies"},
]
DECLARATION = {
    "bidders": BIDDERS,
    "declared": True,
    "declared_at": "2026-04-01T10:00:00-05:00",
    "typed_name": "Evan Lowe",
    "note": "",
    "answers": [
        {"vendor": 3, "name": "Acme Traffic Systems", "conflict": False},
        {"vendor": 4, "name": "Beacon Safety Technologies", "conflict": False},
    ],
    "cleared": True,
}
DECLARATION_BODY = {"conflicts": {"3": False, "4": False}, "typed_name": "Evan Lowe", "note": ""}
RESPONSIVENESS = {
    "id": 8,
    "vendor": "Beacon Safety Technologies",
    "total": "4200.00",
    "status": "opened",
    "responsive": None,
    "reason": "",
    "reason_display": "",
    "note": "",
    "decided_by": None,
    "decided_at": None,
    "proposals": [
        {
            "reason": "insurance_expired",
            "label": "The insurance certificate had expired at the deadline",
        }
    ],
}
CRITERION = {"id": 22, "name": "Technical approach", "description": "", "weight": 60}
SHEET = {
    "status": "draft",
    "submitted_at": None,
    "updated_at": "2026-04-02T11:00:00-05:00",
    "to_score": 1,
    "criteria": [CRITERION],
    "bids": [
        {"id": 8, "vendor": "Beacon Safety Technologies", "total": "4200.00"},
        {"id": 7, "vendor": "Acme Traffic Systems", "total": "4500.00"},
    ],
    "scores": [{"bid": 7, "criterion": 22, "points": 90, "comment": "A clear plan."}],
}
SCORES_BODY = {"scores": [{"bid": 8, "criterion": 22, "points": 60, "comment": "Thin on support."}]}
COMMITTEE = {
    "criteria": [CRITERION],
    "price": {"id": 21, "name": "Price", "weight": 40},
    "evaluators": [{"id": 5, "username": "evaluator", "name": "Evan Lowe"}],
    "rows": [
        {
            "rank": 1,
            "bid": 7,
            "vendor": "Acme Traffic Systems",
            "total": "4500.00",
            "price_score": "37.33",
            "criteria": [
                {
                    "criterion": 22,
                    "average": "90.00",
                    "weighted": "54.00",
                    "scores": [{"evaluator": 5, "points": 90, "outlier": False}],
                }
            ],
            "score": "91.33",
        },
        {
            "rank": 2,
            "bid": 8,
            "vendor": "Beacon Safety Technologies",
            "total": "4200.00",
            "price_score": "40.00",
            "criteria": [
                {
                    "criterion": 22,
                    "average": "60.00",
                    "weighted": "36.00",
                    "scores": [{"evaluator": 5, "points": 60, "outlier": False}],
                }
            ],
            "score": "76.00",
        },
    ],
    "non_responsive": [
        {
            "bid": 9,
            "vendor": "Crossroads Signal Co.",
            "total": "3900.00",
            "reason": "addendum_not_acknowledged",
            "reason_display": "An addendum was not acknowledged",
            "note": "Addendum 1 (sensor mounts) not acknowledged.",
        }
    ],
}

CLOSED = conflict(
    "The evaluation is closed (`evaluation_closed`), or the solicitation is not under "
    "evaluation (`not_under_evaluation`).",
    "evaluation_closed",
    "The evaluation is closed: scores and decisions are locked.",
)
NOT_EVALUATING = conflict(
    "The solicitation's bids are not opened yet, or it is past evaluation.",
    "not_under_evaluation",
    "Evaluators are appointed once the bids are opened.",
)
GRANT_REFUSED = refused_input(
    "The person cannot be appointed; `attr` is `user`.",
    input_example(
        "Not a member",
        "user",
        "No person of this municipality has this username or id.",
        "does_not_exist",
    ),
    input_example("Already one", "user", "Evan Lowe is already an evaluator."),
    input_example(
        "A declared conflict",
        "user",
        "Evan Lowe declared a conflict of interest with Beacon Safety Technologies on this "
        "solicitation.",
    ),
)
DECLARATION_REFUSED = refused_input(
    "The declaration is refused; `attr` names the bidder (`conflicts.<company id>`) or field.",
    input_example(
        "A bidder unanswered",
        "conflicts.4",
        "Say whether you have a conflict of interest with Beacon Safety Technologies.",
    ),
    input_example(
        "Not your name", "typed_name", "Type your full name, “Evan Lowe”, to sign the declaration."
    ),
)
RESPONSIVENESS_REFUSED = refused_input(
    "The decision is refused; `attr` names the field.",
    input_example("No reason", "reason", "This field is required.", "required"),
    input_example("Other without a note", "note", "This field is required.", "required"),
    input_example("Not an opened bid", "bid", "No such opened bid on this solicitation."),
)
SCORES_REFUSED = refused_input(
    "A score is refused; `attr` names the entry (`scores.<n>.<field>`); nothing is saved.",
    input_example("Out of range", "scores.0.points", "Enter a whole number from 0 to 100."),
    input_example(
        "A non-responsive bid",
        "scores.0.bid",
        "Score only the responsive bids of this solicitation.",
    ),
    input_example(
        "The price criterion",
        "scores.0.criterion",
        "Score only this solicitation's criteria other than price (price is scored by formula).",
    ),
)
SUBMIT_REFUSED = refused_input(
    "The sheet is incomplete.",
    input_example(
        "Unscored",
        "scores",
        "Score every responsive bid on every criterion first: 1 still to score.",
        "incomplete",
    ),
)
SHEET_LOCKED = conflict(
    "The sheet is submitted (`sheet_submitted`) or the evaluation closed (`evaluation_closed`).",
    "sheet_submitted",
    "You have submitted your score sheet: it is locked.",
)
NOT_DECLARED = OpenApiResponse(
    description="An evaluator who has not declared yet (`permission_denied`): declare first."
)
CLOSE_REFUSED = conflict(
    "Something is still to do (`evaluation_incomplete`), or the evaluation is closed.",
    "evaluation_incomplete",
    "The evaluation cannot close yet: wait for the score sheets of Evan Lowe.",
)
REOPEN_REFUSED = refused_input(
    "A reason is needed.",
    input_example("No reason", "reason", "This field is required.", "required"),
)


class EvaluationMixin(SolicitationScopedMixin):
    """Any member reaches these endpoints; the selectors decide what they see (a 404
    otherwise) and the services who may change what (403 or 404)."""

    filterset_class = None
    default_permissions = (AnyMember,)

    def overseen(self):
        """The solicitation, for the officer and the participating heads only."""
        solicitation = self.solicitation
        if not selectors.may_oversee(self.actor, solicitation):
            raise NotFound("Not found.")
        return solicitation

    def evaluation_state(self) -> dict:
        solicitation, user = self.solicitation, self.actor.user
        evaluation = selectors.evaluation_of(solicitation)
        sheet = selectors.sheet_of(user, solicitation)
        is_open = evaluation is not None and evaluation.is_open
        return {
            "status": evaluation.status if evaluation else "not_started",
            "round": evaluation.round if evaluation else None,
            "reopened_reason": evaluation.reopened_reason if evaluation else "",
            "started_at": evaluation.started_at if evaluation else None,
            "closed_at": evaluation.closed_at if evaluation else None,
            "close_blockers": services.evaluation_close_blockers(solicitation) if is_open else [],
            "moves": sorted(Evaluation.lifecycle.open_names(evaluation, self.actor))
            if evaluation
            else [],
            "you": {
                "evaluator": selectors.is_evaluator(user, solicitation),
                "declared": selectors.has_declared(user, solicitation),
                "cleared": selectors.is_cleared(user, solicitation),
                "sheet_status": sheet.status if sheet else "",
                "sees_committee": selectors.may_see_committee(self.actor, solicitation),
            },
        }


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class EvaluationViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = Evaluation
    serializer_class = EvaluationSerializer

    @extend_schema(
        description=(
            "Where the evaluation stands: `not_started` until the first evaluator is appointed "
            "or bid decided, then `open` (scoring) or `closed` (scores locked), its round, what "
            "still blocks closing it, and your own part in it. No bid content: any member."
        ),
        examples=[OpenApiExample("Open", value=EVALUATION, response_only=True)],
    )
    def retrieve(self, request, *args, **kwargs):
        return self.render(EvaluationSerializer, self.evaluation_state())

    @extend_schema(
        request=None,
        responses={200: EvaluationSerializer, 409: CLOSE_REFUSED},
        description=(
            "Close the evaluation (officers) once every opened bid is decided and every "
            "evaluator has submitted: scores are locked and the award may be proposed."
        ),
        examples=[
            OpenApiExample(
                "Closed",
                value={
                    **EVALUATION,
                    "status": "closed",
                    "closed_at": "2026-04-03T09:00:00-05:00",
                    "close_blockers": [],
                    "moves": ["reopen"],
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def close(self, request, *args, **kwargs):
        services.evaluation_close(actor=self.actor, solicitation=self.solicitation)
        return self.render(EvaluationSerializer, self.evaluation_state())

    @extend_schema(
        request=ReopenInput,
        responses={
            200: EvaluationSerializer,
            400: REOPEN_REFUSED,
            409: refused_move(
                "The evaluation is not closed.", "The evaluation cannot be reopened."
            ),
        },
        description=(
            "Reopen a closed evaluation with a reason (officers): a new round, every submitted "
            "sheet returned to its evaluator, an award not yet published withdrawn."
        ),
        examples=[
            OpenApiExample(
                "A reason", value={"reason": "Rescore after the site visit."}, request_only=True
            ),
            OpenApiExample(
                "Reopened",
                value={
                    **EVALUATION,
                    "round": 2,
                    "reopened_reason": "Rescore after the site visit.",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def reopen(self, request, *args, **kwargs):
        data = self.parse(ReopenInput)
        services.evaluation_reopen(
            actor=self.actor, solicitation=self.solicitation, reason=data["reason"]
        )
        return self.render(EvaluationSerializer, self.evaluation_state())


def evaluator_named(actor, value):
    """The person of the actor's municipality a body names by username or id; anyone else
    (another city's officer, a company's user, nobody) is the same 400 naming `user`."""
    try:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise NotFound("Neither a username nor an id.")
        if isinstance(value, int):
            return get_or_not_found(people_for(actor), pk=value)
        return get_or_not_found(people_for(actor), username__iexact=value.strip()[:200])
    except NotFound:
        raise ValidationFailed(
            "No person of this municipality has this username or id.",
            field="user",
            code="does_not_exist",
        ) from None


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class EvaluatorViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = User
    serializer_class = EvaluatorSerializer

    @extend_schema(
        description=(
            "The appointed evaluators, each with whether they declared and their sheet's "
            "status (the officer and the participating departments' heads; 404 for others)."
        ),
        examples=[OpenApiExample("Submitted", value=EVALUATOR, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(selectors.evaluators_of(self.overseen()))

    @extend_schema(
        request=EvaluatorInput,
        responses={
            201: EvaluatorSerializer,
            400: GRANT_REFUSED,
            409: NOT_EVALUATING,
        },
        description=(
            "Appoint an evaluator (officers): an active member of the municipality other than "
            "yourself, by username or id; the first appointment starts the evaluation. They "
            "are e-mailed, and see no bid until they declared no conflict with every bidder."
        ),
        examples=[
            OpenApiExample("By username", value={"user": "evaluator"}, request_only=True),
            OpenApiExample(
                "Appointed",
                value={
                    **EVALUATOR,
                    "declared": None,
                    "sheet_status": "",
                    "sheet_submitted_at": None,
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        solicitation = self.solicitation
        data = self.parse(EvaluatorInput)
        user = evaluator_named(self.actor, data["user"])
        services.evaluator_grant(actor=self.actor, solicitation=solicitation, user=user)
        appointed = next(p for p in selectors.evaluators_of(solicitation) if p.pk == user.pk)
        return self.render(EvaluatorSerializer, appointed, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[USER_ID],
        request=None,
        responses={
            204: OpenApiResponse(description="Removed."),
            409: CLOSED,
        },
        description=(
            "Remove an evaluator (officers): their draft sheet goes with them; a submitted one "
            "stays on the record but no longer counts. 404 for someone who is not one."
        ),
    )
    def destroy(self, request, *args, **kwargs):
        solicitation = self.solicitation
        try:
            user = get_or_not_found(people_for(self.actor), pk=self.kwargs["user_id"])
        except NotFound:
            user = None  # the service answers its own 404 for nobody
        services.evaluator_revoke(actor=self.actor, solicitation=solicitation, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class ConflictViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = ConflictDeclaration
    serializer_class = ConflictSerializer

    @extend_schema(
        description=(
            "The declared conflicts of interest, oldest first: each removed its evaluator from "
            "the solicitation (the officer and the participating heads; 404 for others)."
        ),
        examples=[OpenApiExample("A conflict", value=CONFLICT, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(selectors.conflicted_evaluators_of(self.overseen()))


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class DeclarationViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = ConflictDeclaration
    serializer_class = DeclarationSerializer

    def declaration(self) -> dict:
        solicitation, user = self.solicitation, self.actor.user
        answers = list(selectors.declarations_of(user, solicitation))
        first = answers[0] if answers else None
        return {
            "bidders": list(selectors.bidders_of(solicitation)),
            "declared": first is not None,
            "declared_at": first.declared_at if first else None,
            "typed_name": first.typed_name if first else "",
            "note": first.note if first else "",
            "answers": answers,
            "cleared": selectors.is_cleared(user, solicitation),
        }

    @extend_schema(
        description=(
            "Your declaration: the bidders to declare about and, once made, your answers. "
            "Evaluators of this solicitation (and whoever declared here) only; 404 for others."
        ),
        examples=[OpenApiExample("Declared", value=DECLARATION, response_only=True)],
    )
    def retrieve(self, request, *args, **kwargs):
        solicitation, user = self.solicitation, self.actor.user
        if not (
            selectors.is_evaluator(user, solicitation) or selectors.has_declared(user, solicitation)
        ):
            raise NotFound("Not found.")
        return self.render(DeclarationSerializer, self.declaration())

    @extend_schema(
        request=DeclarationInput,
        responses={
            201: DeclarationSerializer,
            400: DECLARATION_REFUSED,
            409: conflict(
                "Already declared.", "declared", "You have already made your declaration."
            ),
        },
        description=(
            "Declare, once, for every bidder, whether you have a conflict of interest, signed "
            "with your typed name at the database time. No conflict with anyone: you may see "
            "the bids and score them. A conflict with any: you are removed from this "
            "solicitation, it is recorded and the officer is told. Evaluators only (404)."
        ),
        examples=[
            OpenApiExample("No conflict", value=DECLARATION_BODY, request_only=True),
            OpenApiExample("Declared", value=DECLARATION, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(DeclarationInput)
        services.declaration_submit(actor=self.actor, solicitation=self.solicitation, **data)
        return self.render(
            DeclarationSerializer, self.declaration(), status_code=status.HTTP_201_CREATED
        )


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class ResponsivenessViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = Bid
    serializer_class = ResponsivenessSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["proposals"] = selectors.responsiveness_proposals(self.solicitation)
        return context

    @extend_schema(
        description=(
            "The opened bids, lowest total first, each with the officer's decision and the "
            "reasons the data proposes against it (the officer and the participating heads; "
            "404 for others)."
        ),
        examples=[OpenApiExample("Undecided", value=RESPONSIVENESS, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(selectors.opened_bids_of(self.overseen()))

    @extend_schema(
        parameters=[BID_ID],
        request=ResponsivenessInput,
        responses={200: ResponsivenessSerializer, 400: RESPONSIVENESS_REFUSED, 409: CLOSED},
        description=(
            "Find an opened bid responsive, or not with a reason from the list (`other` needs "
            "a `note`), while the evaluation is open (officers). A non-responsive bid is not "
            "scored and its company is told why at the notice."
        ),
        examples=[
            OpenApiExample(
                "Not responsive",
                value={
                    "responsive": False,
                    "reason": "insurance_expired",
                    "note": "The liability certificate expired on 28 March.",
                },
                request_only=True,
            ),
            OpenApiExample("Responsive", value={"responsive": True}, request_only=True),
            OpenApiExample(
                "Decided",
                value={
                    **RESPONSIVENESS,
                    "status": "non_responsive",
                    "responsive": False,
                    "reason": "insurance_expired",
                    "reason_display": "The insurance certificate had expired at the deadline",
                    "note": "The liability certificate expired on 28 March.",
                    "decided_by": "officer",
                    "decided_at": "2026-04-01T11:00:00-05:00",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def decide(self, request, *args, **kwargs):
        solicitation = self.solicitation
        data = self.parse(ResponsivenessInput)
        bid = services.bid_responsiveness_set(
            actor=self.actor, solicitation=solicitation, bid=self.kwargs["bid_id"], **data
        )
        decided = get_or_not_found(selectors.opened_bids_of(solicitation), pk=bid.pk)
        return self.render(ResponsivenessSerializer, decided)


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class ScoreSheetViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = ScoreSheet
    serializer_class = ScoreSheetSerializer

    def sheet_state(self) -> dict:
        solicitation = self.solicitation
        sheet = selectors.sheet_of(self.actor.user, solicitation)
        criteria = selectors.criteria_scored_of(solicitation)
        bids = [
            bid
            for bid in selectors.opened_bids_of(solicitation)
            if bid.status == Bid.Status.RESPONSIVE
        ]
        return {
            "status": sheet.status if sheet else ScoreSheet.Status.DRAFT,
            "submitted_at": sheet.submitted_at if sheet else None,
            "updated_at": sheet.updated_at if sheet else None,
            "to_score": selectors.unscored(sheet) if sheet else len(bids) * len(criteria),
            "criteria": criteria,
            "bids": bids,
            "scores": list(sheet.scores.all()) if sheet else [],
        }

    @extend_schema(
        description=(
            "Your score sheet: the responsive bids, the criteria other than price, and your "
            "scores (only you see them until you submit). For an evaluator who declared no "
            "conflict with any bidder; 404 for everyone else."
        ),
        examples=[OpenApiExample("A draft", value=SHEET, response_only=True)],
    )
    def retrieve(self, request, *args, **kwargs):
        if not selectors.is_cleared(self.actor.user, self.solicitation):
            raise NotFound("Not found.")
        return self.render(ScoreSheetSerializer, self.sheet_state())

    @extend_schema(
        request=ScoreSheetInput,
        responses={
            200: ScoreSheetSerializer,
            400: SCORES_REFUSED,
            403: NOT_DECLARED,
            409: SHEET_LOCKED,
        },
        description=(
            "Save scores on your draft sheet: each `{bid, criterion, points, comment}` a "
            "responsive bid on a criterion other than price, 0 to 100 points. Given scores "
            "are added or replace earlier ones; others are kept. Every entry at fault is named "
            "(`scores.<n>.<field>`) and nothing is saved then."
        ),
        examples=[
            OpenApiExample("One score", value=SCORES_BODY, request_only=True),
            OpenApiExample(
                "Saved",
                value={
                    **SHEET,
                    "to_score": 0,
                    "scores": [*SHEET["scores"], SCORES_BODY["scores"][0]],
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        data = self.parse(ScoreSheetInput)
        services.score_sheet_save(
            actor=self.actor, solicitation=self.solicitation, scores=data["scores"]
        )
        return self.render(ScoreSheetSerializer, self.sheet_state())

    @extend_schema(
        request=None,
        responses={
            200: ScoreSheetSerializer,
            400: SUBMIT_REFUSED,
            403: NOT_DECLARED,
            409: SHEET_LOCKED,
        },
        description=(
            "Submit your sheet once every responsive bid is scored on every criterion: it is "
            "locked, the officer is told, and you may read the committee view."
        ),
        examples=[
            OpenApiExample(
                "Submitted",
                value={
                    **SHEET,
                    "status": "submitted",
                    "submitted_at": "2026-04-02T16:20:00-05:00",
                    "to_score": 0,
                },
                response_only=True,
                status_codes=["200"],
            )
        ],
    )
    def submit(self, request, *args, **kwargs):
        services.score_sheet_submit(actor=self.actor, solicitation=self.solicitation)
        return self.render(ScoreSheetSerializer, self.sheet_state())


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class CommitteeViewSet(EvaluationMixin, viewsets.GenericViewSet):
    model = Score
    serializer_class = CommitteeSerializer

    @extend_schema(
        description=(
            "The committee view from the submitted sheets: the responsive bids ranked by "
            "weighted score (ties by lower price, then earlier submission), each with its price "
            "score, each criterion's average, weighted value and every evaluator's score "
            "(outliers flagged), and the bids found not responsive with the reason. For the "
            "officer, the participating heads and an evaluator whose own sheet is submitted; "
            "404 for everyone else."
        ),
        examples=[OpenApiExample("Ranked", value=COMMITTEE, response_only=True)],
    )
    def retrieve(self, request, *args, **kwargs):
        solicitation = self.solicitation
        if not selectors.may_see_committee(self.actor, solicitation):
            raise NotFound("Not found.")
        return self.render(CommitteeSerializer, selectors.committee_of(solicitation))
