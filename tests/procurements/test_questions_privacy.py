"""The asker of a question appears nowhere public (issue 10, item 4): after vendor.acme asks
and the officer answers, no public page (the city's list, the solicitation's page, the home
page), no public API answer (list, detail, questions) and no e-mail to the followers names the
company, its legal name or tax id, or the person who asked."""

import pytest
from django.test import Client

from procurements import selectors, services
from tests.factories import build_published
from vendors.actor import VendorActor
from vendors.models import VendorUser

pytestmark = pytest.mark.django_db


def secrets_of(user) -> list[str]:
    vendor_user = VendorUser.objects.select_related("vendor").get(user=user)
    company = vendor_user.vendor
    return [
        "Acme",
        company.name,
        company.legal_name,
        company.tax_id,
        user.username,
        user.first_name,
        user.last_name,
        user.email,
    ]


def test_the_asker_appears_nowhere_public(
    actor, departments, personas, django_capture_on_commit_callbacks, mailoutbox
):
    # Given vendor.acme asked, vendor.beacon follows, and the officer answered
    solicitation = build_published(actor, departments)
    acme_user = personas["vendor.acme"]
    acme = VendorActor.of(VendorUser.objects.get(user=acme_user))
    beacon = VendorActor.of(VendorUser.objects.get(user=personas["vendor.beacon"]))
    services.solicitation_follow(actor=beacon, solicitation=solicitation)
    question = services.question_ask(
        actor=acme, solicitation=solicitation, text="May the cameras use existing poles?"
    )
    officer = actor("officer")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            actor=officer,
            question=selectors.question_get_for_staff(officer, solicitation, question.number),
            answer="Yes, the four corner poles.",
        )

    # When the public reads everything about it
    anonymous = Client()
    reference = solicitation.reference
    public = {
        "home": anonymous.get("/"),
        "list": anonymous.get("/riverton/solicitations/"),
        "detail": anonymous.get(f"/riverton/solicitations/{reference}/"),
        "api list": anonymous.get("/api/v1/public/solicitations/"),
        "api detail": anonymous.get(f"/api/v1/public/solicitations/riverton/{reference}/"),
        "api questions": anonymous.get(
            f"/api/v1/public/solicitations/riverton/{reference}/questions/"
        ),
    }
    texts = {}
    for name, response in public.items():
        assert response.status_code == 200, name
        texts[name] = response.content.decode()
    answered = [mail for mail in mailoutbox if "answered" in mail.subject]
    assert {address for mail in answered for address in mail.to} == {
        "bids@acme.example",
        "bids@beacon.example",
    }
    for mail in answered:
        texts[f"mail to {mail.to}"] = "\n".join(
            [mail.subject, mail.body, *(body for body, _ in mail.alternatives)]
        )

    # Then the question and answer are there, and nothing of who asked
    assert "Yes, the four corner poles." in texts["detail"]
    assert "Yes, the four corner poles." in texts["api questions"]
    for name, content in texts.items():
        if name.startswith("mail") or name in ("detail", "api detail", "api questions"):
            assert "existing poles?" in content, name
        for secret in secrets_of(acme_user):
            assert secret.lower() not in content.lower(), (name, secret)
