"""Tenant isolation of the HTML pages (DESIGN.md 5.1): every page under /<municipality-slug>/
answers 404 to other cities' staff and to vendors, for GET and POST alike, exactly as for a
page that does not exist, and changes nothing; anonymous visitors are sent to sign in. Public
pages (no login: the published solicitations and their documents) are open to all, and never
show a draft.

The routes come from the URL resolver (as the API's do in tests/departments/test_api_isolation.py),
filled with the ids of riverton's real rows around a proposed joint solicitation, so a page
added later is covered without editing this file.
"""

import re

import pytest
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, resolve, reverse

from departments.models import Membership
from departments.services import invitation_send
from procurements import services
from tests.factories import build_contract
from tests.helpers import DEMO_PASSWORD, database_state, downloaded, walk_url_patterns
from vendors.actor import VendorActor
from vendors.models import VendorUser
from vendors.services import certificate_add

pytestmark = pytest.mark.django_db

TENANT_PAGE_PREFIX = "<slug:municipality_slug>/"
OUTSIDERS = ["officer.lakeside", "vendor.acme", "vendor.beacon"]
METHODS = ["get", "post"]
# What the forms would accept from someone allowed to post them, so a refusal is never just a
# 400 for a missing field.
PAYLOAD = {
    "code": "PRK",
    "name": "Parks",
    "fund_codes": "400-PRK",
    "username": "newbie",
    "email": "newbie@riverton.example",
    "role": "admin",
    "department": "",
    "kind": "RFP",
    "title": "Evil",
    "reason": "x",
    "description": "Evil",
    "quantity": "1",
    "unit": "each",
    "estimated_unit_price": "1.00",
    "method": "percentage",
    "percentages.TRN": "100",
}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


def tenant_page_patterns() -> list[tuple[str, URLPattern]]:
    """(route, pattern) of every page under /<municipality-slug>/, the API and the Django
    admin aside (they live under api/ and admin/). Apps extend each other's pages through
    settings.PAGE_PANELS, never by shadowing a route or a name: both are refused here."""
    found, seen, names = [], set(), set()
    for route, namespace, pattern in walk_url_patterns():
        if route.startswith(TENANT_PAGE_PREFIX):
            assert route not in seen, f"{route} is shadowed by an earlier route"
            assert pattern.name not in names, f"the URL name {pattern.name} is used twice"
            seen.add(route)
            names.add(pattern.name)
            assert pattern.name, f"unnamed tenant page {route}"
            found.append((route, namespace + pattern.name, pattern))
    assert found, "no tenant pages found: did the root URLconf change?"
    return found


def is_public(pattern: URLPattern) -> bool:
    """A page anyone may open: its view does not require a signed-in user."""
    return not issubclass(pattern.callback.view_class, LoginRequiredMixin)


def kwarg_keys(route: str) -> list[tuple[str, str]]:
    """(kwarg, key) for each URL kwarg of a route; the key names the kwarg by the path segment
    before it, since `pk` is a line item's after line-items/ and a person's after people/."""
    keys, segments = [], route.split("/")
    for i, segment in enumerate(segments):
        for name in KWARG.findall(segment):
            keys.append((name, f"{segments[i - 1]}/{name}" if i else name))
    return keys


def staff_may_read_vendor_documents(tenant_actor, vendor) -> bool:
    return True


def vendor_certificate():
    vendor_user = VendorUser.objects.get(user__username="vendor.acme")
    return certificate_add(
        actor=VendorActor.of(vendor_user),
        kind="tax_form",
        title="W-9 2026",
        file=SimpleUploadedFile("w9.pdf", b"%PDF-1.4 W-9"),
    )


@pytest.fixture
def riverton(personas, actor, departments, proposed, settings, tmp_path):
    """A value of every URL kwarg of a tenant page, from riverton's real rows: the proposed
    (unpublished) cameras solicitation, its line item, PSD's participation, version 1, TRN,
    the officer and their role, a document."""
    settings.MEDIA_ROOT = tmp_path
    document = services.document_add(
        actor=actor("officer"),
        solicitation=proposed,
        title="Specification",
        file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 Four cameras, two sensors."),
    )
    # A vendor's certificate, which riverton's staff may read once the vendor bids there
    # (settings.VENDOR_DOCUMENT_ACCESS; granted here, as the bids app will).
    certificate = vendor_certificate()
    settings.VENDOR_DOCUMENT_ACCESS = ["tests.test_page_isolation.staff_may_read_vendor_documents"]
    officer = personas["officer"]
    participation = proposed.participations.get(department=departments["PSD"])
    invitation = invitation_send(
        actor=actor("admin"), email="nia@riverton.example", role="member", department="TRN"
    )
    # A draft contract of a final award of its own (issue 13): its signed PDF does not exist
    # yet (404), and the proposed cameras have no final award to prepare one from.
    contract = build_contract(actor, departments, personas)
    values = {
        "municipality_slug": "riverton",
        "contracts/number": contract.number,
        "new/reference": proposed.reference,
        "sign/department": "TRN",
        "solicitations/reference": proposed.reference,
        "approvals/reference": proposed.reference,
        "versions/number": 1,
        # No award nor protest exists on the proposed cameras: their POST-only action URLs
        # answer a GET with 405 and a POST with 404.
        "awards/number": 1,
        "protests/pk": 1,
        # Nor any evaluator or opened bid: the evaluation's action pages answer 404 too.
        "evaluators/user_pk": officer.pk,
        "bids/pk": 1,
        "vendors/vendor_id": certificate.vendor_id,
        "certificates/pk": certificate.pk,
        "questions/number": 1,
        "departments/department_pk": departments["TRN"].pk,
        "departments/pk": departments["TRN"].pk,
        "line-items/pk": proposed.camera.pk,
        "participations/pk": participation.pk,
        "documents/pk": document.pk,
        "people/pk": officer.pk,
        "invitations/pk": invitation.pk,
        "memberships/membership_pk": Membership.objects.get(
            user=officer, municipality__slug="riverton"
        ).pk,
    }
    return proposed, values


def tenant_pages(values: dict) -> list[tuple[str, str, bool]]:
    """(route name, concrete URL, public?) for every tenant page, filled with `values`."""
    pages = []
    for route, name, pattern in tenant_page_patterns():
        keys = kwarg_keys(route)
        unknown = {key for _, key in keys if key not in values}
        assert not unknown, f"teach this test the URL kwargs {unknown} of {name} ({route})"
        url = reverse(name, kwargs={kwarg: values[key] for kwarg, key in keys})
        assert resolve(url).func == pattern.callback, f"{url} does not reach {name}"
        pages.append((name, url, is_public(pattern)))
    return pages


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD), username
    return client


def status_of(client: Client, url: str) -> int:
    """A GET's status, a download's file read and closed."""
    response = client.get(url)
    if response.streaming:
        downloaded(response)
    return response.status_code


def request(client: Client, method: str, url: str):
    return getattr(client, method)(url, PAYLOAD if method == "post" else None)


def assert_no_draft_shown(response, solicitation, where) -> None:
    """A public page either does not exist for the draft (404), refuses the method (405), or
    shows a page without it."""
    assert response.status_code in (200, 404, 405), where
    if response.status_code == 200:
        assert solicitation.reference not in response.content.decode(), where


def test_the_walker_finds_the_tenant_pages():
    routes = tenant_page_patterns()
    names = {name for _, name, _ in routes}
    public = {name for _, name, pattern in routes if is_public(pattern)}

    assert {
        "dashboard",
        "department-update",
        "person-detail",
        "membership-revoke",
        "audit-trail",
        "solicitation-manage",
        "line-item-edit",
        "participation-join",
        "document-add",
        "approval-inbox",
        "share-approve",
        "share-reject",
    } <= names
    assert public == {
        "solicitation-public-list",
        "solicitation-public",
        "solicitation-document",
        "solicitation-tabulation",  # 404 until the bids are opened (issue 11)
        "solicitation-award",  # 404 until the award notice is published (issue 12)
        # Contracts of record only: 404 before execution; the PDF where published (issue 13).
        "contract-public-list",
        "contract-public",
        "contract-public-pdf",
    }
    assert not any(route.startswith(("api/", "admin/")) for route, _, _ in routes)


# Pages that only a per-object grant opens (an evaluator's, issue 12), and the removal of an
# evaluator, whom a solicitation not yet opened cannot have: riverton's staff get their 404
# too (tests/procurements/test_evaluation_pages.py opens them on an opened solicitation).
GRANTEES_ONLY = {"evaluation-declare", "score-sheet", "score-sheet-submit", "evaluator-revoke"}
# A contract's signed PDF exists once every party has signed and it is rendered: 404 before,
# for its staff too (tests/contracts/test_staff_pages.py downloads one).
NOT_YET_MADE = {"contract-pdf"}


def test_the_walker_fills_every_page_with_a_real_riverton_row(riverton):
    _, values = riverton
    officer, admin = signed_in("officer"), signed_in("admin")

    for name, url, public in tenant_pages(values):
        if not public and name not in GRANTEES_ONLY | NOT_YET_MADE:
            # Riverton's own staff reach every page (a 403 or 405 at worst, never a 404), so
            # the 404s below are the outsiders', not a wrong id's.
            assert status_of(officer, url) != 404, name
            assert status_of(admin, url) != 404, name


def test_staff_pages_are_never_cached_and_public_pages_may_be(riverton):
    _, values = riverton
    admin = signed_in("admin")

    for name, url, public in tenant_pages(values):
        response = admin.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # read to the end: that closes the file
        # No data, no cache.
        refused = response.status_code == 403 or name in GRANTEES_ONLY | NOT_YET_MADE
        if not public and not refused:
            assert "no-store" in response.get("Cache-Control", ""), (name, response.status_code)
    for public_url in ("/", reverse("solicitation-public-list", args=["riverton"])):
        assert "no-store" not in Client().get(public_url).get("Cache-Control", ""), public_url
    # The home page lists a signed-in person's memberships.
    assert "no-store" in admin.get("/")["Cache-Control"]


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_and_vendors_get_404_on_every_riverton_page_and_nothing_changes(
    riverton, username
):
    solicitation, values = riverton
    client = signed_in(username)
    before = database_state()

    for name, url, public in tenant_pages(values):
        for method in METHODS:
            response = request(client, method, url)
            if public:
                assert_no_draft_shown(response, solicitation, (method, name, url))
            else:
                assert response.status_code == 404, (method, name, url)
                assert "Page not found" in response.content.decode(), (method, name, url)
            assert database_state() == before, (method, name, url)


def test_anonymous_visitors_are_sent_to_sign_in_from_every_staff_page(riverton):
    solicitation, values = riverton
    client = Client()
    before = database_state()

    for name, url, public in tenant_pages(values):
        for method in METHODS:
            response = request(client, method, url)
            if public:
                assert_no_draft_shown(response, solicitation, (method, name, url))
            else:
                assert response.status_code == 302, (method, name, url)
                assert response["Location"] == f"/accounts/login/?next={url}", (method, name)
            assert database_state() == before, (method, name, url)


@pytest.mark.parametrize("username", [None, *OUTSIDERS])
def test_the_public_pages_of_a_draft_are_404(riverton, username):
    solicitation, values = riverton
    client = signed_in(username) if username else Client()
    detail = reverse("solicitation-public", args=["riverton", solicitation.reference])
    document = reverse(
        "solicitation-document",
        args=["riverton", solicitation.reference, values["documents/pk"]],
    )

    assert client.get(detail).status_code == 404
    assert client.get(document).status_code == 404
    listed = client.get(reverse("solicitation-public-list", args=["riverton"]))
    assert listed.status_code == 200
    assert solicitation.reference not in listed.content.decode()
