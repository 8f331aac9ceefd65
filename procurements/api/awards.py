"""The award in the API (issue 12, item 5): the officer proposes it
(/api/v1/<slug>/solicitations/<reference>/award/), each participating department's head
approves or rejects their exact amount (.../awards/<number>/departments/<code>/approve/, and
their pending amounts at /api/v1/<slug>/approvals/awards/), the officer resolves protests
(.../award/protests/); the public reads the notice once published
(/api/v1/public/solicitations/<slug>/<reference>/award/) and a bidder its own rank and scores,
and protests in the protest period (/api/v1/vendor/solicitations/<slug>/<reference>/award/).

The same selectors and services as the pages: the services check who may decide what (a head
only for a department they head, never the proposer: invariants 5 and 11) and the clock."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from departments.api.base import AnyMember
from departments.selectors import department_by_code_for, municipality_public_get
from p3hub.errors import get_or_not_found
from procurements import selectors, services
from procurements.api.bids import CITY
from procurements.api.common import DepartmentHeads, ProcurementAPIMixin
from procurements.api.evaluation import EvaluationMixin
from procurements.api.examples import REFERENCE, conflict, input_example, refused_input
from procurements.models import Award, AwardShare, Protest
from procurements.serializers.awards import (
    AwardApprovalSerializer,
    AwardNoticeSerializer,
    AwardProposeInput,
    AwardRejectInput,
    AwardSerializer,
    AwardStateSerializer,
    ProtestInput,
    ProtestResolutionInput,
    ProtestSerializer,
    VendorAwardSerializer,
    VendorProtestSerializer,
)
from vendors.api.base import VendorAPIMixin

TAG = "awards"
NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The award's number."
)
DEPARTMENT = OpenApiParameter(
    "department",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The department's code, e.g. TRN (a head decides for it).",
)
PROTEST_ID = OpenApiParameter(
    "protest_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The protest."
)

# --- example payloads: Acme's award on RIV-2026-0001 ----------------------------------------

SHARES = [
    {
        "department": "PSD",
        "department_name": "Public Safety",
        "amount": "2000.00",
        "fund_code": "200-PSD-CAP",
        "status": "pending",
        "reason": "",
        "decided_by": None,
        "decided_at": None,
    },
    {
        "department": "TRN",
        "department_name": "Transportation",
        "amount": "2500.00",
        "fund_code": "100-TRN-CAP",
        "status": "approved",
        "reason": "",
        "decided_by": "head.trn",
        "decided_at": "2026-04-04T10:00:00-05:00",
    },
]
SUMMARY = {
    "total": "4500.00",
    "number": 1,
    "status": "proposed",
    "status_display": "Awaiting the departments",
    "bid": 7,
    "vendor": "Acme Traffic Systems",
    "top_ranked": True,
    "proposed_at": "2026-04-03T11:00:00-05:00",
    "reason": "",
}
AWARD = {
    **SUMMARY,
    "justification": "",
    "in_kind": "0.00",
    "payable": "4500.00",
    "shares": SHARES,
    "evaluation_round": 1,
    "proposed_by": "officer",
    "published_at": None,
    "protest_ends_at": None,
    "final_at": None,
}
PUBLISHED = {
    **AWARD,
    "status": "published",
    "status_display": "Published, protest period running",
    "shares": [
        {**share, "status": "approved", "decided_by": f"head.{share['department'].lower()}"}
        | {"decided_at": "2026-04-04T10:00:00-05:00"}
        for share in SHARES
    ],
    "published_at": "2026-04-04T10:00:00-05:00",
    "protest_ends_at": "2026-04-14T10:00:00-05:00",
}
APPROVAL = {
    "solicitation": "RIV-2026-0001",
    "title": "Intersection cameras at Main St & Elm St",
    "award": 1,
    "vendor": "Acme Traffic Systems",
    "department": "PSD",
    "amount": "2000.00",
    "total": "4500.00",
    "proposed_by": "officer",
    "proposed_at": "2026-04-03T11:00:00-05:00",
}
PROTEST = {
    "id": 3,
    "award": 1,
    "vendor": "Beacon Safety Technologies",
    "filed_by": "Bea Beacon",
    "filed_at": "2026-04-06T09:00:00-05:00",
    "reasons": "Our price was lower.",
    "status": "open",
    "resolution": "",
    "resolved_by": None,
    "resolved_at": None,
}
NOTICE = {
    "municipality": "riverton",
    "reference": "RIV-2026-0001",
    "title": "Intersection cameras at Main St & Elm St",
    "number": 1,
    "status": "published",
    "vendor": "Acme Traffic Systems",
    "currency": "USD",
    "total": "4500.00",
    "in_kind": "0.00",
    "payable": "4500.00",
    "departments": [
        {"department": "PSD", "name": "Public Safety", "amount": "2000.00"},
        {"department": "TRN", "name": "Transportation", "amount": "2500.00"},
    ],
    "top_ranked": True,
    "justification": "",
    "published_at": "2026-04-04T10:00:00-05:00",
    "protest_ends_at": "2026-04-14T10:00:00-05:00",
    "final_at": None,
}
VENDOR_PROTEST = {
    "id": 3,
    "award": 1,
    "filed_at": "2026-04-06T09:00:00-05:00",
    "reasons": "Our price was lower.",
    "status": "denied",
    "resolution": "Quality weighs 60%: the ranking stands.",
    "resolved_at": "2026-04-07T15:00:00-05:00",
}
VENDOR_AWARD = {
    **NOTICE,
    "yours": {
        "bid": 8,
        "responsive": True,
        "rank": 2,
        "ranked": 2,
        "total": "4200.00",
        "price_score": "40.00",
        "criteria": [{"name": "Technical approach", "weight": 60, "average": "60.00"}],
        "score": "76.00",
        "reason": "",
        "note": "",
    },
    "protests": [VENDOR_PROTEST],
}

AWARD_PENDING = conflict(
    "The evaluation is open (`evaluation_open`), an award is already proposed "
    "(`award_pending`), or the solicitation is not under evaluation (`not_under_evaluation`).",
    "evaluation_open",
    "Close the evaluation (scores locked) before proposing the award.",
)
PROPOSAL_REFUSED = refused_input(
    "The proposal is refused; `attr` names the field.",
    input_example(
        "Not responsive", "bid", "Only a responsive bid of this solicitation can be awarded."
    ),
    input_example("No justification", "justification", "This field is required.", "required"),
)
NOT_OPEN = conflict(
    "The award is no longer open (`award_not_open`) or the department already decided "
    "(`invalid_transition`).",
    "award_not_open",
    "Award 1 is rejected: only the current proposal can be decided.",
)
DECISION_REFUSED = refused_input(
    "The decision is refused.",
    input_example("No reason", "reason", "This field is required.", "required"),
    input_example("Not a paying department", "department", "PRK pays no part of this award."),
)
RESOLUTION_REFUSED = refused_input(
    "The resolution is refused; `attr` names the field.",
    input_example("Not a yes or no", "upheld", "Say whether the protest is upheld."),
    input_example("No reasons", "resolution", "This field is required.", "required"),
)
PROTEST_REFUSED = refused_input(
    "The protest is refused; `attr` is `reasons`.",
    input_example(
        "After the period",
        "reasons",
        "The protest period has ended: protests are no longer accepted.",
        "protest_period_over",
    ),
    input_example("No reasons", "reasons", "This field is required.", "required"),
)


class AwardMixin(EvaluationMixin):
    def award_state(self) -> dict:
        solicitation = self.solicitation
        return {
            "current": selectors.award_current(solicitation),
            "history": selectors.awards_of(solicitation),
        }

    def render_award(self, number, status_code=200):
        award = selectors.award_get(self.solicitation, number)
        shown = selectors.award_current(self.solicitation)
        if shown is None or shown.pk != award.pk:
            shown = award  # a rejected one: no longer current, shown as it ended
        return self.render(AwardSerializer, shown, status_code=status_code)


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class AwardViewSet(AwardMixin, viewsets.GenericViewSet):
    model = Award
    serializer_class = AwardStateSerializer

    @extend_schema(
        description=(
            "The award in force with each participating department's exact amount at the "
            "awarded unit prices and its head's decision, and every award proposed, newest "
            "first (rejected and withdrawn ones with their reason). The officer and the "
            "participating departments' heads; 404 for others."
        ),
        examples=[
            OpenApiExample(
                "Awaiting PSD", value={"current": AWARD, "history": [SUMMARY]}, response_only=True
            )
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        self.overseen()
        return self.render(AwardStateSerializer, self.award_state())

    @extend_schema(
        request=AwardProposeInput,
        responses={201: AwardSerializer, 400: PROPOSAL_REFUSED, 409: AWARD_PENDING},
        description=(
            "Propose the award (officers) once the evaluation is closed: the top-ranked bid, "
            "or another responsive one with a `justification` (published with the notice). "
            "The approved cost split is priced at the bid's unit prices and each participating "
            "department's head is e-mailed to approve its exact amount."
        ),
        examples=[
            OpenApiExample("The top-ranked bid", value={"bid": 7}, request_only=True),
            OpenApiExample(
                "Another bid",
                value={"bid": 8, "justification": "Acme cannot deliver before the winter."},
                request_only=True,
            ),
            OpenApiExample("Proposed", value=AWARD, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(AwardProposeInput)
        award = services.award_propose(actor=self.actor, solicitation=self.solicitation, **data)
        return self.render_award(award.number, status.HTTP_201_CREATED)


@extend_schema(tags=[TAG], parameters=[REFERENCE, NUMBER, DEPARTMENT])
class AwardShareViewSet(AwardMixin, viewsets.GenericViewSet):
    model = AwardShare
    serializer_class = AwardSerializer
    action_permissions = {"approve": [DepartmentHeads], "reject": [DepartmentHeads]}

    def share_of(self):
        award = selectors.award_get(self.solicitation, self.kwargs["number"])
        return award, department_by_code_for(self.actor, self.kwargs["department"])

    @extend_schema(
        request=None,
        responses={200: AwardSerializer, 409: NOT_OPEN},
        description=(
            "The head of the department approves its exact amount of this award; the last "
            "approval publishes the notice, starts the protest period and tells the bidders. "
            "Only a head of that department, and not whoever proposed the award (403)."
        ),
        examples=[
            OpenApiExample("Published", value=PUBLISHED, response_only=True, status_codes=["200"])
        ],
    )
    def approve(self, request, *args, **kwargs):
        award, department = self.share_of()
        services.award_share_approve(actor=self.actor, award=award, department=department)
        return self.render_award(award.number)

    @extend_schema(
        request=AwardRejectInput,
        responses={200: AwardSerializer, 400: DECISION_REFUSED, 409: NOT_OPEN},
        description=(
            "The head rejects the department's amount with a reason: the award is rejected and "
            "the evaluation reopened with that reason (a new round). Only a head of that "
            "department (403)."
        ),
        examples=[
            OpenApiExample(
                "Over budget", value={"reason": "Over this year's budget."}, request_only=True
            ),
            OpenApiExample(
                "Rejected",
                value={
                    **AWARD,
                    "status": "rejected",
                    "status_display": "Rejected",
                    "reason": "Over this year's budget.",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def reject(self, request, *args, **kwargs):
        award, department = self.share_of()
        data = self.parse(AwardRejectInput)
        services.award_share_reject(
            actor=self.actor, award=award, department=department, reason=data["reason"]
        )
        return self.render_award(award.number)


@extend_schema(tags=["approvals"])
class AwardApprovalViewSet(ProcurementAPIMixin, viewsets.GenericViewSet):
    model = AwardShare
    serializer_class = AwardApprovalSerializer
    filterset_class = None
    action_permissions = {"list": [AnyMember]}

    def get_tenant_queryset(self):
        return selectors.award_shares_pending_for(self.actor)

    @extend_schema(
        description=(
            "The award amounts awaiting the caller's decision as a department head, oldest "
            "first (approve or reject each at .../awards/<number>/departments/<code>/). Empty "
            "for anyone who heads no department."
        ),
        examples=[OpenApiExample("PSD's amount", value=APPROVAL, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())


@extend_schema(tags=[TAG], parameters=[REFERENCE])
class ProtestViewSet(AwardMixin, viewsets.GenericViewSet):
    model = Protest
    serializer_class = ProtestSerializer

    @extend_schema(
        description=(
            "Every protest of the solicitation's awards, oldest first, with its resolution "
            "(the officer and the participating heads; 404 for others)."
        ),
        examples=[OpenApiExample("Open", value=PROTEST, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(selectors.protests_on(self.overseen()))

    @extend_schema(
        parameters=[PROTEST_ID],
        request=ProtestResolutionInput,
        responses={
            200: ProtestSerializer,
            400: RESOLUTION_REFUSED,
            409: conflict(
                "Already resolved.",
                "invalid_transition",
                "This protest is denied: it cannot be upheld.",
            ),
        },
        description=(
            "Resolve a protest with reasons (officers): upheld, the award is withdrawn and the "
            "solicitation returns to evaluation; denied, it is recorded. The company is told."
        ),
        examples=[
            OpenApiExample(
                "Denied",
                value={"upheld": False, "resolution": "Quality weighs 60%: the ranking stands."},
                request_only=True,
            ),
            OpenApiExample(
                "Resolved",
                value={
                    **PROTEST,
                    "status": "denied",
                    "resolution": "Quality weighs 60%: the ranking stands.",
                    "resolved_by": "officer",
                    "resolved_at": "2026-04-07T15:00:00-05:00",
                },
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def resolve(self, request, *args, **kwargs):
        protests = selectors.protests_on(self.solicitation)
        protest = get_or_not_found(protests, pk=self.kwargs["protest_id"])
        data = self.parse(ProtestResolutionInput)
        services.protest_resolve(actor=self.actor, protest=protest, **data)
        return self.render(ProtestSerializer, get_or_not_found(protests, pk=protest.pk))


# --- the public notice and the bidders ------------------------------------------------------


class PublicAwardView(generics.GenericAPIView):
    serializer_class = AwardNoticeSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=["public"],
        auth=[],
        parameters=[CITY, REFERENCE],
        description=(
            "The award notice of a public solicitation once published (no login): the "
            "company, the awarded total and each department's share, the justification when "
            "the award did not go to the top-ranked bid, the protest period, and when it "
            "became final. 404 before it is published."
        ),
        examples=[OpenApiExample("Published", value=NOTICE, response_only=True)],
    )
    def get(self, request, municipality_slug, reference):
        municipality = municipality_public_get(municipality_slug)
        solicitation = selectors.solicitation_public_get(municipality, reference)
        award = selectors.award_public(solicitation)
        award.solicitation = solicitation
        return Response(AwardNoticeSerializer(award, context=self.get_serializer_context()).data)


class BidderAwardMixin(VendorAPIMixin):
    """The published award of a solicitation the company bid on (404 otherwise)."""

    model = Protest
    filterset_class = None

    def bidder_award(self) -> Award:
        return selectors.vendor_award_get(
            self.actor, self.kwargs["municipality_slug"], self.kwargs["reference"]
        )

    def get_vendor_queryset(self):
        return selectors.vendor_protests(self.vendor, self.bidder_award())


@extend_schema(tags=["vendors"], parameters=[CITY, REFERENCE])
class VendorAwardView(BidderAwardMixin, generics.GenericAPIView):
    serializer_class = VendorAwardSerializer

    @extend_schema(
        description=(
            "The award notice of a solicitation your company bid on, once published, with "
            "your own line of the committee's ranking (your rank of how many, your price "
            "score, each criterion's average and your weighted score, or why your bid was not "
            "responsive) and your protests. Nothing of the other bids' scores. 404 before "
            "publication and for a company whose bid was not opened there."
        ),
        examples=[OpenApiExample("Ranked second", value=VENDOR_AWARD, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        award = self.bidder_award()
        bid = selectors.vendor_bid_on(self.actor, award.solicitation)
        context = {
            **self.get_serializer_context(),
            "bid_pk": bid.pk,
            "protests": selectors.vendor_protests(self.vendor, award),
        }
        return Response(VendorAwardSerializer(award, context=context).data)


@extend_schema(tags=["vendors"], parameters=[CITY, REFERENCE])
class VendorProtestViewSet(BidderAwardMixin, viewsets.GenericViewSet):
    serializer_class = VendorProtestSerializer

    @extend_schema(
        description="Your company's protests of the published award, oldest first.",
        examples=[OpenApiExample("Denied", value=VENDOR_PROTEST, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    @extend_schema(
        request=ProtestInput,
        responses={201: VendorProtestSerializer, 400: PROTEST_REFUSED},
        description=(
            "Protest the published award, with reasons, before the protest period ends (by "
            "the database clock); one open protest per company. The officer is told and "
            "resolves it; the award cannot become final while it is open."
        ),
        examples=[
            OpenApiExample("Reasons", value={"reasons": "Our price was lower."}, request_only=True),
            OpenApiExample(
                "Filed",
                value={**VENDOR_PROTEST, "status": "open", "resolution": "", "resolved_at": None},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def create(self, request, *args, **kwargs):
        award = self.bidder_award()
        data = self.parse(ProtestInput)
        protest = services.protest_file(actor=self.actor, award=award, reasons=data["reasons"])
        return self.render(VendorProtestSerializer, protest, status_code=status.HTTP_201_CREATED)
