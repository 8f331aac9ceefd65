"""Departments invited to a solicitation, and their answers."""

from rest_framework import serializers

from departments.api.base import DepartmentCodeInput
from procurements.models import Participation
from procurements.serializers.common import status_text


class ParticipationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    status = status_text([c for c in Participation.Status.choices if c[0] in Participation.LISTED])

    class Meta:
        model = Participation
        fields = ["id", "department", "department_name", "status", "responded_at"]
        read_only_fields = fields


class DepartmentInput(serializers.Serializer):
    department = DepartmentCodeInput(help_text="A department code of the municipality, e.g. PSD.")
