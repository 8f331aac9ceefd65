"""The demo's joint solicitations (DESIGN.md 8, issues 4 and 11), made through the services as
the demo's people: one published (intersection cameras, split by line item, with a draft bid
by Beacon), one past its deadline and opened with both companies' bids (streetlights, its
tabulation public), and one awaiting head.trn's approval (a P3 study with an in-kind
contribution). Idempotent: a solicitation is found by its title in riverton, and an existing
one is left exactly as it is."""

import datetime as dt
from decimal import Decimal

from departments.models import Department, Municipality, User
from departments.tenancy import TenantActor
from p3hub.clock import db_now
from procurements import services
from procurements.models import Solicitation
from procurements.services import bids, opening
from vendors.actor import VendorActor, vendor_actor_for
from vendors.categories import Category

CAMERAS = "Intersection cameras at Main St & Elm St"
STUDY = "Citywide traffic signal timing study"
STREETLIGHTS = "LED streetlight retrofit on River Road"
CRITERIA = [
    {"name": "Price", "weight": 40, "is_price": True},
    {"name": "Technical approach", "weight": 60},
]


def seed() -> None:
    riverton = Municipality.objects.get(slug="riverton")
    existing = set(
        Solicitation.objects.filter(
            municipality=riverton, title__in=[CAMERAS, STUDY, STREETLIGHTS]
        ).values_list("title", flat=True)
    )
    if CAMERAS not in existing:
        _published_cameras()
    if STREETLIGHTS not in existing:
        _opened_streetlights()
    if STUDY not in existing:
        _study_awaiting_approval()


def _actor(username: str) -> TenantActor:
    riverton = Municipality.objects.get(slug="riverton")
    return TenantActor.of(User.objects.get(username=username), riverton)


def _departments() -> dict[str, Department]:
    return {d.code: d for d in Department.objects.filter(municipality__slug="riverton")}


def _joint_draft(title: str, description: str, kind: str, category: str) -> Solicitation:
    """A draft led by TRN that PSD has joined, with dates relative to now (bids in 30 days)."""
    officer, departments = _actor("officer"), _departments()
    now = db_now().replace(microsecond=0)
    solicitation = services.solicitation_create(
        actor=officer,
        kind=kind,
        title=title,
        description=description,
        category=category,
        lead_department=departments["TRN"],
        publish_at=now,
        questions_due_at=now + dt.timedelta(days=20),
        bids_due_at=now + dt.timedelta(days=30),
        opening_at=now + dt.timedelta(days=30, hours=2),
    )
    services.criteria_set(actor=officer, solicitation=solicitation, criteria=CRITERIA)
    invitation = services.participation_invite(
        actor=officer, solicitation=solicitation, department=departments["PSD"]
    )
    services.participation_join(actor=_actor("head.psd"), participation=invitation)
    return solicitation


def _line(solicitation, description, quantity, unit_price, site="", unit="each"):
    return services.line_item_add(
        actor=_actor("officer"),
        solicitation=solicitation,
        description=description,
        quantity=Decimal(quantity),
        estimated_unit_price=Decimal(unit_price),
        unit=unit,
        site=site,
    )


def _published_cameras() -> None:
    solicitation = _joint_draft(
        CAMERAS,
        "Cameras and speed sensors at one intersection, bought once for Transportation and "
        "Public Safety: the cameras serve both, the sensors only traffic management.",
        Solicitation.Kind.RFP,
        Category.SECURITY,
    )
    site = "Main St & Elm St"
    camera = _line(solicitation, "Traffic camera", 4, "2500.00", site)
    sensor = _line(solicitation, "Speed sensor", 2, "1200.00", site)
    _approved_and_published(
        solicitation,
        "line_item",
        {
            "lines": {
                str(camera.pk): {"TRN": "50", "PSD": "50"},
                str(sensor.pk): {"TRN": "100"},
            }
        },
    )
    _vendors_take_part(solicitation)


def _company(username: str) -> VendorActor:
    return vendor_actor_for(User.objects.get(username=username))


def _vendors_take_part(solicitation: Solicitation) -> None:
    """Both demo companies follow the cameras; Acme asks a question the officer answers; the
    officer publishes addendum 1, which Acme acknowledged and Beacon has not."""
    acme, beacon = _company("vendor.acme"), _company("vendor.beacon")
    services.solicitation_follow(actor=beacon, solicitation=solicitation)
    question = services.question_ask(
        actor=acme,
        solicitation=solicitation,
        text="May the cameras draw power from the existing signal cabinet at the intersection, "
        "or must the vendor bring a new service connection?",
    )
    services.question_answer(
        actor=_actor("officer"),
        question=question,
        answer="Yes: the signal cabinet has a spare 20 A circuit for the cameras. The speed "
        "sensors are battery powered and need no connection.",
    )
    addendum = services.addendum_publish(
        actor=_actor("officer"),
        solicitation=solicitation,
        title="Pre-bid site visit",
        text="A site visit is held at the intersection of Main St & Elm St a week from the "
        "publication, at 10:00. Attending is optional; questions raised there are answered in "
        "writing for everyone.",
    )
    services.addendum_acknowledge(actor=acme, addendum=addendum)
    # Beacon has started its bid: one line priced, not submitted (the addendum is pending).
    draft = bids.bid_start(actor=beacon, solicitation=solicitation)
    bids.bid_save(actor=beacon, bid=draft, prices={"1": "2380.00"})


def _approved_and_published(solicitation: Solicitation, method: str, inputs: dict) -> None:
    version = services.cost_split_propose(
        actor=_actor("officer"), solicitation=solicitation, method=method, inputs=inputs
    )
    departments = _departments()
    for code in ("TRN", "PSD"):
        department = departments[code]
        services.share_approve(
            actor=_actor(f"head.{code.lower()}"),
            version=version,
            department=department,
            fund_code=department.fund_codes[0] if department.fund_codes else "",
        )
    services.solicitation_publish(actor=_actor("officer"), solicitation=solicitation)


def _opened_streetlights() -> None:
    """Published, bid on by both companies, then the demo's clock jumps: the deadline was ten
    days ago, and the officer opened the bids (the opening runs here, not in a worker, so the
    tabulation is there as soon as the seed ends)."""
    solicitation = _joint_draft(
        STREETLIGHTS,
        "Replacing 120 sodium streetlights on River Road with LED fixtures and networked "
        "controls: the lights serve traffic safety, the controls' cameras-ready poles also "
        "serve Public Safety.",
        Solicitation.Kind.IFB,
        Category.TRAFFIC,
    )
    _line(solicitation, "LED streetlight fixture", 120, "420.00", "River Road")
    _line(solicitation, "Networked lighting controller", 12, "900.00", "River Road")
    _approved_and_published(solicitation, "percentage", {"percentages": {"TRN": "70", "PSD": "30"}})
    offers = {
        "vendor.acme": {"1": "398.00", "2": "870.00"},
        "vendor.beacon": {"1": "405.50", "2": "815.00"},
    }
    for username, prices in offers.items():
        company = _company(username)
        bid = bids.bid_start(actor=company, solicitation=solicitation)
        bid = bids.bid_save(actor=company, bid=bid, prices=prices)
        name = f"{company.user.first_name} {company.user.last_name}".strip() or username
        bids.bid_submit(actor=company, bid=bid, declaration=True, declared_name=name)
    now = db_now().replace(microsecond=0)
    Solicitation.objects.filter(pk=solicitation.pk).update(
        publish_at=now - dt.timedelta(days=40),
        published_at=now - dt.timedelta(days=40),
        questions_due_at=now - dt.timedelta(days=25),
        bids_due_at=now - dt.timedelta(days=10),
        opening_at=now - dt.timedelta(days=10) + dt.timedelta(hours=2),
    )
    opening.opening_start(actor=_actor("officer"), solicitation=solicitation)
    opening.opening_run(solicitation.pk)


def _study_awaiting_approval() -> None:
    solicitation = _joint_draft(
        STUDY,
        "Retiming every signalised intersection, with a year of traffic data. Acme Traffic "
        "Systems donates the first year's data licence as a public-private partnership.",
        Solicitation.Kind.RFP,
        Category.TRAFFIC,
    )
    _line(solicitation, "Signal timing study", 1, "180000.00")
    _line(solicitation, "Traffic data licence (year 1)", 1, "10000.00", unit="year")
    version = services.cost_split_propose(
        actor=_actor("officer"),
        solicitation=solicitation,
        method="percentage",
        inputs={"percentages": {"TRN": "60", "PSD": "40"}},
        in_kind_amount=Decimal("10000.00"),
        in_kind_contributor="Acme Traffic Systems",
        in_kind_description="Year-1 traffic data licence, donated",
    )
    psd = _departments()["PSD"]
    services.share_approve(
        actor=_actor("head.psd"),
        version=version,
        department=psd,
        fund_code=psd.fund_codes[0] if psd.fund_codes else "",
    )
