"""Data builders: factory_boy factories for rows the demo seed does not cover, and the joint
solicitation most procurement tests start from (built through the real services)."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from departments.models import Department, Membership, Municipality, User
from procurements import services
from vendors.models import Vendor


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo-pass-2026")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"City {n}")
    code = factory.Sequence(lambda n: "C" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    time_zone = "America/New_York"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: "D" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Membership.Role.MEMBER
    department = factory.SubFactory(
        DepartmentFactory, municipality=factory.SelfAttribute("..municipality")
    )


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")


# --- a joint solicitation -----------------------------------------------------------------------


def future(days: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=days)


def build_cameras(actor, departments):
    """Intersection cameras, led by TRN with PSD joined: a camera 50/50-able, a speed sensor,
    criteria set, dates in order, no publish date (so publishing it publishes at once; tests
    of scheduling set one). Still a draft: no split proposed yet. `actor` and
    `departments` are the fixtures of tests/procurements/conftest.py (the `cameras` fixture
    calls this; tests that need several call it themselves)."""
    officer = actor("officer")
    solicitation = services.solicitation_create(
        actor=officer,
        kind="RFP",
        title="Intersection cameras at Main St & Elm St",
        lead_department=departments["TRN"],
        publish_at=None,
        questions_due_at=future(10),
        bids_due_at=future(20),
        opening_at=future(21),
    )
    camera = services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Traffic camera",
        quantity=Decimal(4),
        estimated_unit_price="2500.00",
        site="Main St & Elm St",
    )
    sensor = services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Speed sensor",
        quantity=Decimal(2),
        estimated_unit_price="1200.00",
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


def build_published(actor, departments):
    """The cameras (build_cameras) with their split approved by both heads, published at once
    (bids due in 20 days, questions in 10)."""
    solicitation = build_cameras(actor, departments)
    version = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=solicitation,
        method="line_item",
        inputs=line_item_split(solicitation),
    )
    for code in ("TRN", "PSD"):
        services.share_approve(
            actor=actor(f"head.{code.lower()}"), version=version, department=departments[code]
        )
    return services.solicitation_publish(actor=actor("officer"), solicitation=solicitation)


def line_item_split(solicitation) -> dict:
    """Camera 50/50, speed sensor 100% TRN."""
    return {
        "lines": {
            str(solicitation.camera.pk): {"TRN": "50", "PSD": "50"},
            str(solicitation.sensor.pk): {"TRN": "100"},
        }
    }


def join_by_invitation(admin, user, role: str, department=None):
    """`user` joins `admin`'s municipality with `role`, the way people do: invited by e-mail,
    accepting with their account. Returns the membership."""
    from departments import services
    from departments.services.invitations import invitation_token

    if not user.email:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    invitation = services.invitation_send(
        actor=admin, email=user.email, role=role, department=department
    )
    return services.invitation_accept(user=user, token=invitation_token(invitation))


# --- files, as uploads of each kind -------------------------------------------------------------

# The smallest real files of each kind: what their signatures and packages look like.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16 + b"\xff\xd9"
OOXML_MAIN = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}


def office_bytes(kind: str = "docx", *, extra: dict[str, bytes] | None = None) -> bytes:
    """An Office Open XML package of `kind` (docx, docm, xlsx) as Word or Excel write it: a
    ZIP whose [Content_Types].xml names the main part's type."""
    part, content_type = OOXML_MAIN[kind]
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(part, "<document/>")
        for name, body in (extra or {}).items():
            archive.writestr(name, body)
    return buffer.getvalue()


def upload(name: str = "spec.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    """A file as a browser uploads it; a real PDF unless told otherwise."""
    return SimpleUploadedFile(name, content)


def bulk_questions(solicitation, vendor_user, count: int) -> None:
    """`count` questions of `vendor_user`'s company on `solicitation`, straight into the table
    (for query counts; the services are tested elsewhere)."""
    from procurements.models import Question

    start = Question.objects.filter(solicitation=solicitation).count()
    Question.objects.bulk_create(
        Question(
            solicitation=solicitation,
            number=start + n + 1,
            vendor=vendor_user.vendor,
            asked_by=vendor_user.user,
            text=f"Question {n}",
            asked_at=dt.datetime.now(dt.UTC),
        )
        for n in range(count)
    )


def in_days(n: int) -> dt.date:
    """The certificates' "today" (the database's date) plus `n` days."""
    from vendors.services.certificates import certificate_day

    return certificate_day() + dt.timedelta(days=n)


def insurance(**changes) -> dict:
    """An insurance certificate's fields as certificate_add and the forms take them."""
    return {
        "kind": "insurance",
        "title": "General liability",
        "issuer": "Harbor Mutual Insurance",
        "number": "HMI-GL-1",
        "coverage": "1,000,000.00",
        "expires_on": in_days(200).isoformat(),
        "file": upload("liability.pdf"),
    } | changes


# --- sealed bids ----------------------------------------------------------------------------------


def bidding_companies(count: int, prefix: str = "Bidder") -> list:
    """`count` companies with one active user each, straight into the tables; the VendorActor
    of each (for tests that need many bids: the bids themselves go through the services)."""
    from vendors.actor import VendorActor
    from vendors.models import VendorUser

    vendors = Vendor.objects.bulk_create(Vendor(name=f"{prefix} {n:03d}") for n in range(count))
    users = User.objects.bulk_create(
        User(username=f"{prefix.lower()}.{n:03d}", email=f"{prefix.lower()}{n}@example.org")
        for n in range(count)
    )
    vendor_users = VendorUser.objects.bulk_create(
        VendorUser(vendor=vendor, user=user) for vendor, user in zip(vendors, users, strict=True)
    )
    return [VendorActor.of(vendor_user) for vendor_user in vendor_users]


def submitted_bid(company, solicitation, prices: dict):
    """A bid of the VendorActor `company`, priced ({position: "amount"}) and submitted,
    through the services."""
    from procurements.services import bids

    bid = bids.bid_start(actor=company, solicitation=solicitation)
    bid = bids.bid_save(actor=company, bid=bid, prices=prices)
    bids.bid_submit(actor=company, bid=bid, declaration=True, declared_name=company.user.username)
    return bid


# --- the evaluation and the award -----------------------------------------------------------------


def build_opened(actor, departments, personas, *, prices=None):
    """The cameras (build_published) with bids of Acme (4 x 1,000.00 + 2 x 250.00 = 4,500.00)
    and Beacon (4 x 900.00 + 2 x 300.00 = 4,200.00) submitted, the deadline past by the
    database clock and the bids opened: ready for the evaluation. The bids are on the returned
    solicitation as `.acme` and `.beacon`."""
    from django.db.models.functions import Now

    from procurements.models import Bid, Solicitation
    from procurements.services import opening
    from vendors.actor import vendor_actor_for

    prices = prices or {
        "vendor.acme": {"1": "1000.00", "2": "250.00"},
        "vendor.beacon": {"1": "900.00", "2": "300.00"},
    }
    solicitation = build_published(actor, departments)
    bids = {}
    for username, priced in prices.items():
        company = vendor_actor_for(personas[username])
        bids[username] = submitted_bid(company, solicitation, priced)
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=actor("officer"), solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    solicitation = Solicitation.objects.get(pk=solicitation.pk)
    solicitation.acme = Bid.objects.get(pk=bids["vendor.acme"].pk)
    solicitation.beacon = (
        Bid.objects.get(pk=bids["vendor.beacon"].pk) if "vendor.beacon" in bids else None
    )
    return solicitation


def build_scored(actor, departments, personas, *, points=None):
    """build_opened, both bids found responsive, `evaluator` appointed, declared and with a
    submitted sheet (Technical approach: Acme 90, Beacon 60 unless `points` says), the
    evaluation closed: ready for the award. Beacon is cheaper, Acme technically better:
    with price weighted 40, Acme ranks first (40 x 4200/4500 + 0.6 x 90 = 91.33 against
    40 + 36 = 76)."""
    from procurements import services

    points = points or {"acme": 90, "beacon": 60}
    solicitation = build_opened(actor, departments, personas)
    officer = actor("officer")
    for bid in (solicitation.acme, solicitation.beacon):
        services.bid_responsiveness_set(
            actor=officer, solicitation=solicitation, bid=bid, responsive=True
        )
    evaluator = actor("evaluator")
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=personas["evaluator"])
    declare_no_conflict(evaluator, solicitation)
    technical = solicitation.criteria.get(is_price=False)
    services.score_sheet_save(
        actor=evaluator,
        solicitation=solicitation,
        scores=[
            {"bid": solicitation.acme.pk, "criterion": technical.pk, "points": points["acme"]},
            {"bid": solicitation.beacon.pk, "criterion": technical.pk, "points": points["beacon"]},
        ],
    )
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    services.evaluation_close(actor=officer, solicitation=solicitation)
    solicitation.refresh_from_db()
    solicitation.technical = technical
    return solicitation


def declare_no_conflict(evaluator, solicitation):
    """The evaluator (a TenantActor) declares no conflict with every bidder."""
    from procurements import selectors, services

    return services.declaration_submit(
        actor=evaluator,
        solicitation=solicitation,
        conflicts={vendor.pk: False for vendor in selectors.bidders_of(solicitation)},
        typed_name=evaluator.user.display_name,
    )


def build_opened_with(actor, departments, companies):
    """build_published with a bid of each VendorActor of `companies` (4 x 100.00 + 2 x 10.00
    plus n cents, so no two totals tie), the deadline past and the bids opened: for the tests
    that count queries over many bids."""
    from django.db.models.functions import Now

    from procurements.models import Solicitation
    from procurements.services import opening

    solicitation = build_published(actor, departments)
    for n, company in enumerate(companies):
        submitted_bid(company, solicitation, {"1": "100.00", "2": f"10.{n % 100:02d}"})
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=actor("officer"), solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    return Solicitation.objects.get(pk=solicitation.pk)


def evaluate_every_bid(actor, personas, solicitation, *, close: bool = True):
    """Every opened bid found responsive, `evaluator` appointed, declared and with a submitted
    sheet scoring each bid 50 to 99 on every criterion but price; the evaluation closed unless
    `close` is false."""
    from procurements import selectors

    officer, evaluator = actor("officer"), actor("evaluator")
    bids = list(selectors.opened_bids_of(solicitation))
    for bid in bids:
        services.bid_responsiveness_set(
            actor=officer, solicitation=solicitation, bid=bid, responsive=True
        )
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=personas["evaluator"])
    declare_no_conflict(evaluator, solicitation)
    scores = [
        {"bid": bid.pk, "criterion": criterion.pk, "points": 50 + n % 50}
        for n, bid in enumerate(bids)
        for criterion in selectors.criteria_scored_of(solicitation)
    ]
    services.score_sheet_save(actor=evaluator, solicitation=solicitation, scores=scores)
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    if close:
        services.evaluation_close(actor=officer, solicitation=solicitation)
    solicitation.refresh_from_db()
    return solicitation


def build_final_award(actor, departments, personas):
    """build_scored with Acme's bid (4,500.00: TRN 2,250.00, PSD 2,250.00 by the line-item
    split) proposed by `officer`, approved by both heads, its protest period over by the
    database clock and recorded final: ready for the contract. The award is returned, with
    its solicitation."""
    from django.db.models.functions import Now

    from procurements.models import Award

    solicitation = build_scored(actor, departments, personas)
    award = services.award_propose(
        actor=actor("officer"), solicitation=solicitation, bid=solicitation.acme
    )
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"), award=award, department=departments[code]
        )
    Award.objects.filter(pk=award.pk).update(protest_ends_at=Now() - dt.timedelta(seconds=1))
    services.awards_finalize_due()
    return Award.objects.select_related("solicitation", "bid__vendor").get(pk=award.pk)


CONTRACT_TERMS = {
    "start_date": dt.date(2030, 1, 1),
    "term_years": 3,
    "capital": "1,500.00",
    "in_kind": [{"period": 1, "donor": "vendor"}],
}


def build_contract(actor, departments, personas, **terms):
    """A draft contract of build_final_award's award: 4,500.00 over three years from 1
    January 2030, 1,500.00 one-time, year 1 (1,000.00) donated by Acme, unless `terms` say."""
    from contracts import services as contract_services

    award = build_final_award(actor, departments, personas)
    return contract_services.contract_prepare(
        actor=actor("officer"), solicitation=award.solicitation, **{**CONTRACT_TERMS, **terms}
    )


def sign_every_party(actor, personas, contract, *, but=()):
    """Send the draft for signature and sign it for every party (the heads for their
    departments, vendor.acme for the company) except the party codes in `but`."""
    from contracts import services as contract_services
    from vendors.actor import vendor_actor_for

    if contract.status == "draft":
        contract_services.contract_send(actor=actor("officer"), contract=contract)
    for party in contract.parties.select_related("department", "signatory"):
        if party.code in but:
            continue
        if party.is_vendor:
            signer = vendor_actor_for(party.signatory)
        else:
            signer = actor(party.signatory.username)
        contract_services.contract_sign(
            actor=signer,
            contract=contract,
            department=None if party.is_vendor else party.code,
            typed_name=party.signatory.display_name,
            consent=True,
            client_address="192.0.2.10",
        )
    contract.refresh_from_db()
    return contract


def final_award_of(actor, solicitation, bid, *, heads):
    """`bid` of the evaluated `solicitation` proposed by its municipality's officer (`actor`
    is a function of a username, as the `actor` fixture), approved by the `heads` (username
    -> department), its protest period over by the database clock and recorded final."""
    from django.db.models.functions import Now

    from procurements.models import Award

    award = services.award_propose(
        actor=actor("officer"),
        solicitation=solicitation,
        bid=bid,
        justification="The best value for every department.",
    )
    for username, department in heads.items():
        services.award_share_approve(actor=actor(username), award=award, department=department)
    Award.objects.filter(pk=award.pk).update(protest_ends_at=Now() - dt.timedelta(seconds=1))
    services.awards_finalize_due()
    return Award.objects.select_related("solicitation", "bid__vendor").get(pk=award.pk)


def build_final_award_with_in_kind(
    actor, departments, personas, *, in_kind="1,000.00", contributor="Harbor Foundation"
):
    """The cameras (build_cameras) whose approved cost split keeps an in-kind contribution of
    `in_kind` by `contributor` (the camera 50/50, the sensor all TRN on the rest), Acme's
    bid of 4,500.00 and Beacon's of 4,200.00 opened, both scored, and Acme's awarded and
    final: 3,500.00 of the award is the departments' to pay. The award is returned."""
    from django.db.models.functions import Now

    from procurements.models import Bid, Solicitation
    from procurements.services import opening
    from vendors.actor import vendor_actor_for

    officer = actor("officer")
    solicitation = build_cameras(actor, departments)
    version = services.cost_split_propose(
        actor=officer,
        solicitation=solicitation,
        method="line_item",
        inputs=line_item_split(solicitation),
        in_kind_amount=in_kind,
        in_kind_contributor=contributor,
        in_kind_description="The first year's maintenance, donated",
    )
    for code in ("TRN", "PSD"):
        services.share_approve(
            actor=actor(f"head.{code.lower()}"), version=version, department=departments[code]
        )
    services.solicitation_publish(actor=officer, solicitation=solicitation)
    prices = {"vendor.acme": ("1000.00", "250.00"), "vendor.beacon": ("900.00", "300.00")}
    for username, (camera, sensor) in prices.items():
        company = vendor_actor_for(personas[username])
        submitted_bid(company, solicitation, {"1": camera, "2": sensor})
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=officer, solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    evaluate_every_bid(actor, personas, solicitation)
    acme = Bid.objects.get(solicitation=solicitation, vendor__name="Acme Traffic Systems")
    return final_award_of(
        actor,
        solicitation,
        acme,
        heads={"head.trn": departments["TRN"], "head.psd": departments["PSD"]},
    )


def build_lakeside_final_award(personas):
    """Lakeside's road salt (100 x 85.00 = 8,500.00 by Acme), all Public Works' (PWD, whose
    head `head.pwd` this makes), priced only, awarded and final: Lakeside's own contract
    to prepare beside Riverton's. The award is returned; `officer.lakeside` prepares it."""
    from django.db.models.functions import Now

    from departments.tenancy import tenant_actor_for
    from procurements.models import Bid, Solicitation
    from procurements.services import opening
    from vendors.actor import vendor_actor_for

    pwd = Department.objects.get(municipality__slug="lakeside", code="PWD")
    head = MembershipFactory(
        user=UserFactory(username="head.pwd", first_name="Paula", last_name="Ward"),
        municipality=pwd.municipality,
        department=pwd,
        role=Membership.Role.HEAD,
    )
    people = {"officer": personas["officer.lakeside"], "head.pwd": head.user}

    def lakeside(username):
        return tenant_actor_for(people[username], "lakeside")

    officer = lakeside("officer")
    solicitation = services.solicitation_create(
        actor=officer,
        kind="IFB",
        title="Road salt for the winter",
        lead_department=pwd,
        publish_at=None,
        questions_due_at=future(10),
        bids_due_at=future(20),
        opening_at=future(21),
    )
    services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Road salt (tonnes)",
        quantity=Decimal(100),
        estimated_unit_price="90.00",
        site="North depot",
    )
    services.criteria_set(
        actor=officer,
        solicitation=solicitation,
        criteria=[{"name": "Price", "weight": 100, "is_price": True}],
    )
    version = services.cost_split_propose(
        actor=officer,
        solicitation=solicitation,
        method="percentage",
        inputs={"percentages": {"PWD": "100"}},
    )
    services.share_approve(actor=lakeside("head.pwd"), version=version, department=pwd)
    services.solicitation_publish(actor=officer, solicitation=solicitation)
    bid = submitted_bid(vendor_actor_for(personas["vendor.acme"]), solicitation, {"1": "85.00"})
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=officer, solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    bid = Bid.objects.get(pk=bid.pk)
    services.bid_responsiveness_set(
        actor=officer, solicitation=solicitation, bid=bid, responsive=True
    )
    services.evaluation_close(actor=officer, solicitation=solicitation)
    return final_award_of(lakeside, solicitation, bid, heads={"head.pwd": pwd})
