"""Helpers shared by test modules."""

from django.apps import apps

from departments.models import Department, Membership
from p3hub.models import AuditEvent
from procurements.models import (
    CostSplitDecision,
    CostSplitVersion,
    Criterion,
    LineItem,
    Participation,
    Solicitation,
)

# Rows whose every column must survive a refused request unchanged.
WATCHED = [
    Department,
    Membership,
    Solicitation,
    LineItem,
    Criterion,
    Participation,
    CostSplitVersion,
    CostSplitDecision,
]


def database_state() -> dict:
    """What a refused request must leave untouched: the row count of every model (API tokens
    aside: clients get theirs as they log in), every column of the watched tables, and the
    audit chain's hashes."""
    models = [m for m in apps.get_models() if m._meta.app_label != "authtoken"]
    state = {model._meta.label: model._default_manager.count() for model in models}
    for model in WATCHED:
        state[f"{model._meta.label} rows"] = list(model._default_manager.order_by("pk").values())
    state["audit"] = list(AuditEvent.objects.order_by("pk").values_list("hash", flat=True))
    return state
