"""Questions vendors ask about a solicitation: the city's staff read them all, with the asking
company (/api/v1/<slug>/solicitations/<reference>/questions/), and officers answer them; the
public reads the answered ones, never who asked (/api/v1/public/...)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny

from departments.selectors import municipality_public_get
from procurements import selectors, services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import REFERENCE, conflict, validation_example
from procurements.models import Question
from procurements.serializers.questions import (
    AnswerInput,
    PublicQuestionSerializer,
    StaffQuestionSerializer,
)

STAFF_QUESTION = {
    "number": 1,
    "question": "May the cameras be mounted on existing signal poles?",
    "vendor": "Crossroads Signal Co.",
    "asked_by": "Casey Cross",
    "asked_at": "2026-03-02T10:15:00-06:00",
    "status": "answered",
    "answer": "Yes, on the poles at the four corners; see the drawings.",
    "answered_by": "Olivia Officer",
    "answered_at": "2026-03-03T09:00:00-06:00",
}
PUBLIC_QUESTION = {
    "number": 1,
    "question": "May the cameras be mounted on existing signal poles?",
    "answer": "Yes, on the poles at the four corners; see the drawings.",
    "answered_at": "2026-03-03T09:00:00-06:00",
}
NUMBER = OpenApiParameter(
    "number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The question's number."
)


@extend_schema(tags=["questions"], parameters=[REFERENCE])
@extend_schema_view(
    list=extend_schema(
        description=(
            "Every question vendors asked about the solicitation, by number, with the asking "
            "company (staff only: it is never public) and the answer (any member)."
        ),
        examples=[OpenApiExample("Answered", value=STAFF_QUESTION, response_only=True)],
    ),
    answer=extend_schema(
        parameters=[NUMBER],
        description=(
            "Answer a question (officers), once: the question and its answer become public, "
            "without the asker, and every company following the solicitation is e-mailed."
        ),
        request=AnswerInput,
        responses={
            200: StaffQuestionSerializer,
            409: conflict(
                "Already answered.",
                "invalid_transition",
                "This question is answered: it cannot be answered.",
            ),
        },
        examples=[
            OpenApiExample(
                "An answer",
                value={"answer": "Yes, on the poles at the four corners; see the drawings."},
                request_only=True,
            ),
            OpenApiExample(
                "Answered", value=STAFF_QUESTION, response_only=True, status_codes=["200"]
            ),
            validation_example("No answer", "answer", "This field is required.", "required"),
        ],
    ),
)
@extend_validation_errors(
    ["required", "max_length", "invalid"], field_name="answer", actions=["answer"]
)
class QuestionViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = Question
    serializer_class = StaffQuestionSerializer
    filterset_class = None

    def get_tenant_queryset(self):
        return selectors.questions_for_staff(self.actor, self.solicitation)

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    @action(detail=True, methods=["post"])  # routed by hand in api_urls (by number)
    def answer(self, request, *args, **kwargs):
        question = selectors.question_get_for_staff(
            self.actor, self.solicitation, self.kwargs["number"]
        )
        data = self.parse(AnswerInput)
        question = services.question_answer(
            actor=self.actor, question=question, answer=data["answer"]
        )
        return self.render(StaffQuestionSerializer, question)


@extend_schema(
    tags=["public"],
    auth=[],
    parameters=[
        OpenApiParameter("municipality_slug", OpenApiTypes.STR, OpenApiParameter.PATH),
        REFERENCE,
    ],
    description=(
        "The answered questions of a published solicitation, by number (no login): the "
        "question, the answer and when it was answered, never who asked. Dates are in the "
        "municipality's local time."
    ),
    examples=[OpenApiExample("Answered", value=PUBLIC_QUESTION, response_only=True)],
)
class PublicQuestionListView(generics.GenericAPIView):
    serializer_class = PublicQuestionSerializer
    permission_classes = [AllowAny]
    filterset_class = None

    def get_queryset(self):
        return Question.objects.none()  # the schema's; `get` reads through the selector

    def get(self, request, municipality_slug, reference):
        municipality = municipality_public_get(municipality_slug)
        solicitation = selectors.solicitation_public_get(municipality, reference)
        page = self.paginate_queryset(selectors.answered_questions(solicitation))
        with timezone.override(municipality.zone):
            data = PublicQuestionSerializer(page, many=True).data
        return self.get_paginated_response(data)
