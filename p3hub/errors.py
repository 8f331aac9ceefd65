"""The domain error family. Services raise these; one DRF handler and one HTML path map them
to 4xx responses with the same message in the UI and the API."""

from django.core.exceptions import ValidationError as DjangoValidationError


class ApplicationError(Exception):
    """A request that the domain refuses. `field` names the input at fault, when there is one."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(ApplicationError):
    """Input that is well-formed but breaks a rule (totals, dates, uniqueness)."""


class ValidationErrors(ValidationFailed):
    """Several inputs refused at once, so a form shows every one and the API lists them all
    (the first stands for the whole where one message is shown)."""

    def __init__(self, errors: list[ValidationFailed]):
        first = errors[0]
        super().__init__(first.message, field=first.field, code=first.code)
        self.errors = errors


class Checks:
    """Independent input checks of one request, run all before refusing:

        checks = Checks()
        title = checks.run(clean_text, value, field="title")
        ...
        checks.raise_any()

    `run` returns the check's result, or None when it refused (kept for `raise_any`)."""

    def __init__(self):
        self.failed: list[ValidationFailed] = []

    def refuse(self, message: str, *, field: str, code: str | None = None) -> None:
        """Record a refusal found without a check function."""
        self.failed.append(ValidationFailed(message, field=field, code=code))

    def refused(self, field: str) -> bool:
        """Whether a check already refused `field` (or an entry under it)."""
        return any(
            error.field == field or (error.field or "").startswith(f"{field}.")
            for error in self.failed
        )

    def run(self, check, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ValidationErrors as error:
            self.failed.extend(error.errors)
        except ValidationFailed as error:
            self.failed.append(error)
        return None

    def raise_any(self) -> None:
        if len(self.failed) == 1:
            raise self.failed[0]
        if self.failed:
            raise ValidationErrors(self.failed)


def each_error(error: ApplicationError) -> list[ApplicationError]:
    """The refusals one error carries: several for ValidationErrors, else itself."""
    return list(getattr(error, "errors", [error]))


class PermissionDenied(ApplicationError):
    """The actor may see the object but may not do this to it."""

    status_code = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    """Missing, or not the actor's to see: the two are deliberately indistinguishable."""

    status_code = 404
    code = "not_found"


class InvalidTransition(ApplicationError):
    """A status change the transition table does not allow from the current state."""

    status_code = 409
    code = "invalid_transition"


def get_or_not_found(queryset, **lookup):
    """`queryset.get(**lookup)`, or NotFound: for a missing row, one the queryset (already
    limited to what the caller may see) leaves out, and a malformed key (a text primary key,
    a NUL byte, which PostgreSQL refuses in a query) alike."""
    if any(isinstance(value, str) and "\x00" in value for value in lookup.values()):
        raise NotFound("Not found.")
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound("Not found.") from None
