"""Departments invited to a solicitation, and their answers."""

from rest_framework import serializers

from departments.api.base import DepartmentCodeInput
from procurements.models import Participation
from procurements.serializers.common import open_moves, status_text


class ParticipationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    status = status_text([c for c in Participation.Status.choices if c[0] in Participation.LISTED])
    moves = serializers.SerializerMethodField(
        help_text="The moves you may make now: join and decline (POST), withdraw (DELETE)."
    )

    class Meta:
        model = Participation
        fields = ["id", "department", "department_name", "status", "responded_at", "moves"]
        read_only_fields = fields

    def get_moves(self, participation) -> list[str]:
        return open_moves(participation, self.context)


class DepartmentInput(serializers.Serializer):
    department = DepartmentCodeInput(help_text="A department code of the municipality, e.g. PSD.")
