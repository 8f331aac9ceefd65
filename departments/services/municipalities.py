"""Opening a municipality (the platform operator)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from departments.models import Membership, Municipality, User
from departments.services.memberships import membership_snapshot, role_refusal
from p3hub.audit import Verb, audit_record
from p3hub.errors import PermissionDenied, ValidationFailed

Role = Membership.Role


@transaction.atomic
def municipality_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    code: str,
    first_admin: User,
    time_zone: str = "UTC",
    currency: str = "USD",
) -> Municipality:
    """The platform operator (a superuser, or the system from the command line) opens a new
    tenant with its first tenant admin."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only the platform operator may add a municipality.")
    if first_admin is None or not first_admin.is_active:
        raise ValidationFailed(
            "Name an active person as the first tenant admin.", field="first_admin"
        )
    if message := role_refusal(first_admin):
        raise ValidationFailed(message, field="first_admin")
    municipality = Municipality(
        slug=slug, name=name, code=code, time_zone=time_zone, currency=currency
    )
    try:
        municipality.full_clean()
    except DjangoValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(messages[0], field=field) from None
    municipality.save()
    audit_record(
        actor=actor,
        verb=Verb.MUNICIPALITY_CREATE,
        municipality=municipality,
        obj=municipality,
        after={"slug": slug, "name": name, "code": code, "time_zone": time_zone},
    )
    membership = Membership.objects.create(
        user=first_admin, municipality=municipality, role=Role.ADMIN
    )
    audit_record(
        actor=actor,
        verb=Verb.MEMBERSHIP_GRANT,
        municipality=municipality,
        obj=membership,
        after=membership_snapshot(membership),
    )
    return municipality
