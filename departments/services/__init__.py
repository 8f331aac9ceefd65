"""Every write to municipalities, departments, people and their roles: one function per use
case, each taking the acting TenantActor, checking the role, running in one transaction and
recording an audit event in the municipality's chain. One module per resource."""

from departments.services.accounts import (
    account_deactivate,
    account_snapshot,
    password_reset_send,
    person_account_audit,
    person_delete,
)
from departments.services.departments import department_create, department_update
from departments.services.invitations import (
    invitation_accept,
    invitation_accept_with_new_account,
    invitation_revoke,
    invitation_send,
)
from departments.services.memberships import membership_grant, membership_revoke
from departments.services.municipalities import municipality_create
from departments.services.people import person_deactivate, person_reactivate, person_update

__all__ = [
    "account_deactivate",
    "account_snapshot",
    "department_create",
    "department_update",
    "invitation_accept",
    "invitation_accept_with_new_account",
    "invitation_revoke",
    "invitation_send",
    "membership_grant",
    "membership_revoke",
    "municipality_create",
    "password_reset_send",
    "person_account_audit",
    "person_deactivate",
    "person_delete",
    "person_reactivate",
    "person_update",
]
