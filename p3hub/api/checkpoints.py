"""/api/v1/public/checkpoints/<slug>/: a municipality's published audit checkpoints (no
login). Save them; `manage.py audit_verify --checkpoints FILE_OR_URL` proves later that the
audit chain still extends each one (p3hub.checkpoints)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from p3hub.checkpoints import chain_public_get, checkpoints_of
from p3hub.models import AuditCheckpoint

CHECKPOINT = {
    "date": "2026-12-04",
    "seq": 412,
    "hash": "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a",
    "chain": "m1",
    "taken_at": "2026-12-04T00:05:02.118204-05:00",
}


class CheckpointSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="day")

    class Meta:
        model = AuditCheckpoint
        fields = ["date", "seq", "hash", "chain", "taken_at"]


class PublicCheckpointsView(generics.GenericAPIView):
    serializer_class = CheckpointSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=["public"],
        auth=[],
        operation_id="public_audit_checkpoints_list",
        parameters=[
            OpenApiParameter("municipality_slug", str, OpenApiParameter.PATH, description="city")
        ],
        description=(
            "The municipality's audit checkpoints, newest first (no login): each day's head "
            "of its audit chain (last event number and hash). Save them, then run "
            "`manage.py audit_verify --checkpoints FILE_OR_URL` to prove the chain still "
            "extends every one of them."
        ),
        examples=[OpenApiExample("A day's checkpoint", value=CHECKPOINT, response_only=True)],
    )
    def get(self, request, municipality_slug):
        head = chain_public_get(municipality_slug)
        page = self.paginate_queryset(checkpoints_of(head.key))
        with timezone.override(head.municipality.zone):  # times in the city's, as elsewhere
            return self.get_paginated_response(CheckpointSerializer(page, many=True).data)
