"""/api/v1/vendor/: a company's questions and the solicitations it follows. The solicitation
is any city's the public can see (a draft is the same 404 as a missing one); the company's
questions are its own, never another's (vendors.api.base)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.response import Response

from procurements import selectors, services
from procurements.api.examples import REFERENCE, validation_example
from procurements.models import Follow, Question
from procurements.serializers.questions import (
    FollowSerializer,
    QuestionInput,
    VendorQuestionSerializer,
)
from vendors.api.base import VendorAPIMixin

MUNICIPALITY = OpenApiParameter(
    "municipality_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The slug of the solicitation's municipality, e.g. riverton.",
)
VENDOR_QUESTION = {
    "municipality": "riverton",
    "municipality_name": "City of Riverton",
    "reference": "RIV-2026-0001",
    "title": "Intersection cameras at Main St & Elm St",
    "number": 1,
    "question": "May the cameras be mounted on existing signal poles?",
    "asked_at": "2026-03-02T10:15:00-06:00",
    "status": "answered",
    "status_display": "Answered",
    "answer": "Yes, on the poles at the four corners; see the drawings.",
    "answered_at": "2026-03-03T09:00:00-06:00",
}


class SolicitationOfAnyCity:
    def public_solicitation(self):
        return selectors.vendor_solicitation_get(
            self.actor, self.kwargs["municipality_slug"], self.kwargs["reference"]
        )


@extend_schema(
    tags=["vendors"],
    description=(
        "The company's own questions in every city, newest first, with their answers. Dates "
        "are in each solicitation's municipality's local time."
    ),
    examples=[OpenApiExample("An answered question", value=VENDOR_QUESTION, response_only=True)],
)
class VendorQuestionListView(VendorAPIMixin, generics.GenericAPIView):
    model = Question
    serializer_class = VendorQuestionSerializer
    filterset_class = None

    def get_vendor_queryset(self):
        return selectors.vendor_questions(self.actor)

    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())


@extend_schema(
    tags=["vendors"],
    parameters=[MUNICIPALITY, REFERENCE],
    description=(
        "Ask a question about a published solicitation, before its questions are due (by the "
        "database clock). It is numbered within the solicitation, private to the company and "
        "the city's staff until answered; the answer is public, never naming the company. "
        "Asking follows the solicitation. A late question is refused with the code "
        "`questions_closed` and nothing is stored."
    ),
    request=QuestionInput,
    responses={status.HTTP_201_CREATED: VendorQuestionSerializer},
    examples=[
        OpenApiExample(
            "A question",
            value={"text": "May the cameras be mounted on existing signal poles?"},
            request_only=True,
        ),
        OpenApiExample(
            "Asked",
            value={
                **VENDOR_QUESTION,
                "status": "asked",
                "status_display": "Awaiting an answer",
                "answer": "",
                "answered_at": None,
            },
            response_only=True,
            status_codes=["201"],
        ),
        validation_example(
            "Too late",
            "non_field_errors",
            "Questions closed on Mar 10, 2026, 5:00 PM CDT.",
            "questions_closed",
        ),
    ],
)
@extend_validation_errors(["required", "max_length", "invalid"], field_name="text")
@extend_validation_errors(["questions_closed"], field_name="non_field_errors")
class QuestionAskView(SolicitationOfAnyCity, VendorAPIMixin, generics.GenericAPIView):
    model = Question
    serializer_class = VendorQuestionSerializer
    filterset_class = None

    def post(self, request, *args, **kwargs):
        solicitation = self.public_solicitation()
        data = self.parse(QuestionInput)
        question = services.question_ask(
            actor=self.actor, solicitation=solicitation, text=data["text"]
        )
        return self.render(VendorQuestionSerializer, question, status_code=201)


@extend_schema(tags=["vendors"], parameters=[MUNICIPALITY, REFERENCE])
class FollowView(SolicitationOfAnyCity, VendorAPIMixin, generics.GenericAPIView):
    model = Follow
    serializer_class = FollowSerializer
    filterset_class = None

    @extend_schema(
        description=(
            "Follow a solicitation the public can see: the company is e-mailed its answers "
            "and addenda. Following again changes nothing."
        ),
        request=None,
        responses={status.HTTP_200_OK: FollowSerializer},
        examples=[
            OpenApiExample(
                "Following",
                value={
                    "municipality": "riverton",
                    "reference": "RIV-2026-0001",
                    "following": True,
                    "followed_at": "2026-03-02T10:00:00-06:00",
                },
                response_only=True,
            )
        ],
    )
    def put(self, request, *args, **kwargs):
        follow = services.solicitation_follow(
            actor=self.actor, solicitation=self.public_solicitation()
        )
        return self.render(FollowSerializer, follow)

    @extend_schema(
        description="Stop following; nothing happens if the company did not follow it.",
        request=None,
        responses={status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Not followed.")},
    )
    def delete(self, request, *args, **kwargs):
        services.solicitation_unfollow(actor=self.actor, solicitation=self.public_solicitation())
        return Response(status=status.HTTP_204_NO_CONTENT)
