"""Request plumbing that must run before anything reads the body."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from p3hub.files import megabytes, too_large_message

API_PREFIX = "/api/"


def body_limit(request: HttpRequest) -> int | None:
    """The most a body may declare: a multipart form one file of the largest size allowed plus
    the form's other fields (Django's own limit for those); any other body Django's limit
    (which DRF's JSON parser, reading the stream, would not apply)."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if request.content_type == "multipart/form-data":
        return settings.UPLOAD_MAX_BYTES + (fields or 0)
    return fields


class RequestBodyLimitMiddleware:
    """413 for a body declared larger than `body_limit`, answered before a byte of it is read
    (the server never reads past the declared length, so it cannot send more). A file a
    little over the limit still reaches the form, where UploadLimitHandler has kept none of
    its excess and the service gives the form's own error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # as Django reads it: no body
        if limit is not None and declared > limit:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    if request.content_type == "multipart/form-data":
        message = too_large_message(settings.UPLOAD_MAX_BYTES)
    else:
        limit = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = f"Request bodies are limited to {limit}."
    if request.path.startswith(API_PREFIX):
        body = {
            "type": "client_error",
            "errors": [{"code": "too_large", "detail": message, "attr": None}],
        }
        return JsonResponse(body, status=413)
    return render(request, "413.html", {"message": message}, status=413)
