"""One handler maps the domain's ApplicationError family onto DRF's error format:
`{"type": ..., "errors": [{"code": ..., "detail": ..., "attr": <field>}]}` (DESIGN.md 10)."""

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_standardized_errors.handler import ExceptionHandler
from drf_standardized_errors.handler import exception_handler as standard_handler
from rest_framework import exceptions, status

from p3hub.errors import ApplicationError, each_error


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the object's current state."
    default_code = "conflict"


def to_api_exception(error: ApplicationError) -> exceptions.APIException:
    if error.status_code == 400:
        details: dict[str, list] = {}
        for each in each_error(error):
            detail = exceptions.ErrorDetail(each.message, code=each.code)
            details.setdefault(each.field or "non_field_errors", []).append(detail)
        return exceptions.ValidationError(details)
    if error.status_code == 403:
        return exceptions.PermissionDenied(error.message, code=error.code)
    if error.status_code == 404:
        return exceptions.NotFound(error.message, code=error.code)
    return Conflict(error.message, code=error.code)


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class P3ExceptionHandler(ExceptionHandler):
    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, ApplicationError):
            return to_api_exception(exc)
        # Django's limits on a parsed form body (a body parser reads request.POST): the client's
        # fault, in the error format, not a 500.
        if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            return exceptions.ParseError(
                "The request has too many fields (DATA_UPLOAD_MAX_NUMBER_FIELDS).",
                code="too_many_fields",
            )
        if isinstance(exc, RequestDataTooBig):
            return TooLarge()
        if isinstance(exc, DjangoValidationError):
            if hasattr(exc, "error_dict"):
                return exceptions.ValidationError(exc.message_dict)
            return exceptions.ValidationError({"non_field_errors": exc.messages})
        return super().convert_known_exceptions(exc)


exception_handler = standard_handler
