"""OpenAPI examples of the departments API. A list example is one item: the schema wraps it in
the pagination envelope itself."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers


def validation_error(name: str, attr: str, detail: str, code: str = "invalid") -> OpenApiExample:
    """A documented 400 in the one error format of DESIGN.md 10."""
    return OpenApiExample(
        name,
        value={
            "type": "validation_error",
            "errors": [{"code": code, "detail": detail, "attr": attr}],
        },
        response_only=True,
        status_codes=["400"],
    )


def conflict(description: str, code: str, detail: str) -> OpenApiResponse:
    """A documented 409: the request is valid but the object's state refuses it."""
    return OpenApiResponse(
        response=ConflictErrorResponse,
        description=description,
        examples=[
            OpenApiExample(
                code,
                value={
                    "type": "client_error",
                    "errors": [{"code": code, "detail": detail, "attr": None}],
                },
            )
        ],
    )


class ConflictError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ConflictErrorResponse(serializers.Serializer):
    type = serializers.CharField()
    errors = ConflictError(many=True)


ME = {
    "username": "officer",
    "email": "officer@riverton.example",
    "name": "Olivia Officer",
    "memberships": [
        {
            "municipality": "riverton",
            "municipality_name": "City of Riverton",
            "role": "officer",
            "department": None,
        }
    ],
}
DEPARTMENT = {
    "id": 1,
    "code": "TRN",
    "name": "Transportation",
    "fund_codes": ["100-TRN-CAP"],
    "is_active": True,
    "heads": ["head.trn"],
}
DEPARTMENT_CREATE = {"code": "TRN", "name": "Transportation", "fund_codes": ["100-TRN-CAP"]}
CODE_TAKEN = validation_error("Code taken", "code", "A department with code TRN already exists.")
MEMBERSHIP = {
    "id": 3,
    "person": 3,
    "username": "head.trn",
    "name": "Tomas Reyes",
    "email": "head.trn@riverton.example",
    "role": "head",
    "department": "TRN",
    "is_active": True,
    "created_at": "2026-01-05T08:03:00-06:00",
}
UNKNOWN_DEPARTMENT = validation_error(
    "Unknown department", "department", "No department has the code “XYZ”.", "does_not_exist"
)
LAST_ADMIN = validation_error(
    "Last admin", "role", "A municipality needs at least one tenant admin.", "last_admin"
)
PERSON = {
    "id": 3,
    "username": "head.trn",
    "first_name": "Tomas",
    "last_name": "Reyes",
    "name": "Tomas Reyes",
    "email": "head.trn@riverton.example",
    "is_active": True,
    "roles": [{"id": 3, "role": "head", "department": "TRN", "is_active": True}],
}
INVITATION = {
    "id": 7,
    "email": "new.officer@riverton.example",
    "first_name": "Nora",
    "last_name": "Quist",
    "role": "officer",
    "department": None,
    "status": "pending",
    "invited_by": "admin",
    "created_at": "2026-01-05T08:03:00-06:00",
    "expires_at": "2026-01-12T08:03:00-06:00",
}
