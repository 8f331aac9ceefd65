"""The demo's joint solicitations (DESIGN.md 8, issues 4 and 11), made through the services as
the demo's people: one published (intersection cameras, split by line item, with a draft bid
by Beacon), one past its deadline and opened with both companies' bids (streetlights, its
tabulation public), one awaiting head.trn's approval (a P3 study with an in-kind
contribution), and one evaluated by `evaluator`, awarded with both heads' approval and final
(signal preemption, split by quantity), and one awarded to Acme and final whose contract the
contracts app's demo executes (signal cabinets, split by percentage). Idempotent: a
solicitation is found by its title in riverton, and an existing one is left exactly as it
is."""

import datetime as dt
from decimal import Decimal

from departments.models import Department, Municipality, User
from departments.tenancy import TenantActor
from p3hub.clock import db_now
from procurements import selectors, services
from procurements.models import Award, Solicitation
from procurements.services import bids, opening
from vendors.actor import VendorActor, vendor_actor_for
from vendors.categories import Category
from vendors.models import VendorUser

CAMERAS = "Intersection cameras at Main St & Elm St"
STUDY = "Citywide traffic signal timing study"
STREETLIGHTS = "LED streetlight retrofit on River Road"
PREEMPTION = "Emergency vehicle signal preemption on Harbor Blvd"
CABINETS = "Traffic signal cabinets with battery backup on Main St"
CRITERIA = [
    {"name": "Price", "weight": 40, "is_price": True},
    {"name": "Technical approach", "weight": 60},
]


def seed() -> None:
    riverton = Municipality.objects.get(slug="riverton")
    existing = set(
        Solicitation.objects.filter(
            municipality=riverton,
            title__in=[CAMERAS, STUDY, STREETLIGHTS, PREEMPTION, CABINETS],
        ).values_list("title", flat=True)
    )
    if CAMERAS not in existing:
        _published_cameras()
    if STREETLIGHTS not in existing:
        _opened_streetlights()
    if STUDY not in existing:
        _study_awaiting_approval()
    if PREEMPTION not in existing:
        _awarded_preemption()
    if CABINETS not in existing:
        _awarded_cabinets()


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


def _awarded_preemption() -> None:
    """The whole evaluation and award: bids opened two months ago, both responsive,
    `evaluator` declared and scored, the award to the top-ranked Acme (dearer, technically
    better) approved by both heads
    at its unit prices (the split by quantity: PSD's vehicles carry the emitters, the
    intersections' receivers are shared), published, and final once the protest period passed."""
    solicitation = _joint_draft(
        PREEMPTION,
        "Signal preemption for fire engines and ambulances at the eight intersections of "
        "Harbor Blvd: receivers on the signals (Transportation and Public Safety share them) "
        "and emitters on 30 emergency vehicles (Public Safety).",
        Solicitation.Kind.RFP,
        Category.TRAFFIC,
    )
    receiver = _line(solicitation, "Preemption receiver", 8, "3200.00", "Harbor Blvd")
    emitter = _line(solicitation, "Vehicle emitter", 30, "650.00", "Fire and EMS fleet")
    quantities = {
        str(receiver.pk): {"TRN": "6", "PSD": "2"},
        str(emitter.pk): {"PSD": "30"},
    }
    _approved_and_published(solicitation, "quantity", {"quantities": quantities})
    offers = {
        "vendor.acme": {"1": "3050.00", "2": "690.00"},
        "vendor.beacon": {"1": "3120.00", "2": "610.00"},
    }
    _bid_evaluated_and_awarded(solicitation, offers, {"vendor.acme": 85, "vendor.beacon": 70})


def _awarded_cabinets() -> None:
    """Six signal cabinets with battery backup (the signals are Transportation's, the backup
    keeps the intersections safe for Public Safety in an outage), bought with five years of
    maintenance: split 60/40, bid on by both companies, awarded to the top-ranked Acme and
    final. contracts.demo prepares and executes its contract (year 1 donated by Acme)."""
    solicitation = _joint_draft(
        CABINETS,
        "Replacing the six signal cabinets on Main St with cabinets that carry battery backup, "
        "so the signals keep running in a power outage, with five years of maintenance and "
        "remote monitoring.",
        Solicitation.Kind.RFP,
        Category.TRAFFIC,
    )
    _line(solicitation, "Signal cabinet with battery backup, installed", 6, "4800.00", "Main St")
    _line(solicitation, "Maintenance and monitoring, five years, per cabinet", 6, "4500.00")
    _approved_and_published(solicitation, "percentage", {"percentages": {"TRN": "60", "PSD": "40"}})
    offers = {
        "vendor.acme": {"1": "4650.00", "2": "4250.00"},
        "vendor.beacon": {"1": "4400.00", "2": "4700.00"},
    }
    _bid_evaluated_and_awarded(solicitation, offers, {"vendor.acme": 92, "vendor.beacon": 70})


def _bid_evaluated_and_awarded(solicitation, offers: dict, points: dict[str, int]) -> None:
    """Each company of `offers` submits its prices; the deadline was two months ago; the
    bids are opened, scored with `points` and the top-ranked one awarded, final."""
    for username, prices in offers.items():
        company = _company(username)
        bid = bids.bid_start(actor=company, solicitation=solicitation)
        bid = bids.bid_save(actor=company, bid=bid, prices=prices)
        name = f"{company.user.first_name} {company.user.last_name}".strip() or username
        bids.bid_submit(actor=company, bid=bid, declaration=True, declared_name=name)
    _months_ago(solicitation)
    opening.opening_start(actor=_actor("officer"), solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    _evaluated(solicitation, points)
    _awarded_and_final(solicitation)


def _months_ago(solicitation: Solicitation) -> None:
    now = db_now().replace(microsecond=0)
    Solicitation.objects.filter(pk=solicitation.pk).update(
        publish_at=now - dt.timedelta(days=95),
        published_at=now - dt.timedelta(days=95),
        questions_due_at=now - dt.timedelta(days=80),
        bids_due_at=now - dt.timedelta(days=60),
        opening_at=now - dt.timedelta(days=60) + dt.timedelta(hours=2),
    )


def _evaluated(solicitation: Solicitation, points: dict[str, int]) -> None:
    """Every opened bid responsive; `evaluator` appointed, declared and scored; closed."""
    officer, evaluator = _actor("officer"), _actor("evaluator")
    opened = list(selectors.opened_bids_of(solicitation))
    for bid in opened:
        services.bid_responsiveness_set(
            actor=officer, solicitation=solicitation, bid=bid, responsive=True
        )
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=evaluator.user)
    services.declaration_submit(
        actor=evaluator,
        solicitation=solicitation,
        conflicts={bid.vendor_id: False for bid in opened},
        typed_name=evaluator.user.display_name,
    )
    by_company = {
        bid.pk: points[VendorUser.objects.filter(vendor=bid.vendor).first().user.username]
        for bid in opened
    }
    services.score_sheet_save(
        actor=evaluator,
        solicitation=solicitation,
        scores=[
            {"bid": bid_pk, "criterion": criterion.pk, "points": value, "comment": ""}
            for bid_pk, value in by_company.items()
            for criterion in selectors.criteria_scored_of(solicitation)
        ],
    )
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    services.evaluation_close(actor=officer, solicitation=solicitation)


def _awarded_and_final(solicitation: Solicitation) -> None:
    """The top-ranked bid proposed, both heads approve (the notice is published), and the
    demo's clock jumps past the protest period: the chronograph's sweep records it final."""
    top = selectors.committee_of(solicitation).rows[0].bid
    award = services.award_propose(actor=_actor("officer"), solicitation=solicitation, bid=top)
    for code, department in sorted(_departments().items()):
        services.award_share_approve(
            actor=_actor(f"head.{code.lower()}"), award=award, department=department
        )
    Award.objects.filter(pk=award.pk).update(
        published_at=db_now() - dt.timedelta(days=40),
        protest_ends_at=db_now() - dt.timedelta(days=30),
    )
    services.awards_finalize_due()
