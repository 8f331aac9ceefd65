"""Questions and answers in the API. Three shapes for three readers: the public's (number,
question, answer, when answered: no field of any kind for the vendor or the asker), the asking
company's own, and the city's staff's (with the asking company). Dates are in the
solicitation's municipality's local time."""

from django.utils import timezone
from rest_framework import serializers

from p3hub.api.fields import text_input
from procurements.models import Follow, Question
from procurements.serializers.common import status_text


class InZoneMixin:
    """Each row's dates in its solicitation's municipality's zone, whichever city it is."""

    def to_representation(self, instance):
        with timezone.override(self.zone_of(instance)):
            return super().to_representation(instance)

    def zone_of(self, instance):
        return instance.solicitation.municipality.zone


class PublicQuestionSerializer(serializers.ModelSerializer):
    """An answered question as anyone reads it. Deliberately no vendor, asker or answerer."""

    question = serializers.CharField(source="text", read_only=True)

    class Meta:
        model = Question
        fields = ["number", "question", "answer", "answered_at"]
        read_only_fields = fields


class VendorQuestionSerializer(InZoneMixin, serializers.ModelSerializer):
    """One of the company's own questions, with where it was asked."""

    municipality = serializers.CharField(source="solicitation.municipality.slug", read_only=True)
    municipality_name = serializers.CharField(
        source="solicitation.municipality.name", read_only=True
    )
    reference = serializers.CharField(source="solicitation.reference", read_only=True)
    title = serializers.CharField(source="solicitation.title", read_only=True)
    question = serializers.CharField(source="text", read_only=True)
    status = status_text(Question.Status.choices)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Question
        fields = [
            "municipality",
            "municipality_name",
            "reference",
            "title",
            "number",
            "question",
            "asked_at",
            "status",
            "status_display",
            "answer",
            "answered_at",
        ]
        read_only_fields = fields


class StaffQuestionSerializer(serializers.ModelSerializer):
    """A question as the city's staff read it: who asked (staff may know) and who answered."""

    question = serializers.CharField(source="text", read_only=True)
    vendor = serializers.CharField(source="vendor.name", read_only=True)
    asked_by = serializers.CharField(source="asked_by.display_name", read_only=True)
    status = status_text(Question.Status.choices)
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = Question
        fields = [
            "number",
            "question",
            "vendor",
            "asked_by",
            "asked_at",
            "status",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields

    def get_answered_by(self, question) -> str | None:
        return question.answered_by.display_name if question.answered_by_id else None


class QuestionInput(serializers.Serializer):
    text = text_input(help_text="The question, at most 4000 characters.")


class AnswerInput(serializers.Serializer):
    answer = text_input(help_text="The answer, published for everyone with the question.")


class FollowSerializer(InZoneMixin, serializers.ModelSerializer):
    municipality = serializers.CharField(source="solicitation.municipality.slug", read_only=True)
    reference = serializers.CharField(source="solicitation.reference", read_only=True)
    following = serializers.SerializerMethodField()
    followed_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Follow
        fields = ["municipality", "reference", "following", "followed_at"]
        read_only_fields = fields

    def get_following(self, follow) -> bool:
        return True
