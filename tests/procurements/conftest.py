"""Procurement fixtures: personas as TenantActors and a joint solicitation ready to split."""

import datetime as dt
from decimal import Decimal

import pytest

from departments.models import Department
from departments.tenancy import tenant_actor_for
from procurements import services
from procurements.models import Participation


@pytest.fixture
def actor(personas):
    """`actor("officer")` is that persona's TenantActor in riverton (or `slug`)."""

    def actor_for(username: str, slug: str = "riverton"):
        return tenant_actor_for(personas[username], slug)

    return actor_for


@pytest.fixture
def departments(personas):
    return {d.code: d for d in Department.objects.filter(municipality__slug="riverton")}


def future(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=days)


@pytest.fixture
def cameras(actor, departments):
    """Intersection cameras, led by TRN with PSD joined: a camera 50/50-able, a speed sensor,
    criteria set, dates in order. Still a draft: no split proposed yet."""
    return build_cameras(actor, departments)


def build_cameras(actor, departments):
    """The `cameras` fixture as a function, for tests that need several."""
    officer = actor("officer")
    solicitation = services.solicitation_create(
        actor=officer,
        kind="RFP",
        title="Intersection cameras at Main St & Elm St",
        lead_department=departments["TRN"],
        publish_at=future(1),
        questions_due_at=future(10),
        bids_due_at=future(20),
        opening_at=future(21),
    )
    camera = services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Traffic camera",
        quantity=Decimal(4),
        estimated_unit_price_minor=250_000,
        site="Main St & Elm St",
    )
    sensor = services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Speed sensor",
        quantity=Decimal(2),
        estimated_unit_price_minor=120_000,
        site="Main St & Elm St",
    )
    services.criteria_set(
        actor=officer,
        solicitation=solicitation,
        criteria=[
            {"name": "Price", "weight": 40, "is_price": True},
            {"name": "Technical approach", "weight": 60},
        ],
    )
    invitation = services.participation_invite(
        actor=officer, solicitation=solicitation, department=departments["PSD"]
    )
    services.participation_join(actor=actor("head.psd"), participation=invitation)
    solicitation.refresh_from_db()
    solicitation.camera, solicitation.sensor = camera, sensor
    return solicitation


def line_item_split(solicitation) -> dict:
    """Camera 50/50, speed sensor 100% TRN."""
    return {
        "lines": {
            str(solicitation.camera.pk): {"TRN": "50", "PSD": "50"},
            str(solicitation.sensor.pk): {"TRN": "100"},
        }
    }


__all__ = ["Participation", "build_cameras", "future", "line_item_split", "url"]


def url(solicitation, tail: str = "") -> str:
    """The tenant API URL of a solicitation (or of one of its nested resources)."""
    reference = getattr(solicitation, "reference", solicitation)
    return f"/api/v1/riverton/solicitations/{reference}/{tail}"


@pytest.fixture
def proposed(cameras, actor):
    """The cameras with split version 1 (camera 50/50, sensor 100% TRN) awaiting both heads."""
    services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    return cameras
