"""After a refused form the address bar is never left on a URL that answers only POST (issue 9,
item 12). The workspace's, the inbox's and a person's forms post to action URLs; a refusal
answers 303 back to the page, which shows the form again, once, with its errors beside the
fields and what was typed. Reloading then shows the page as it is, and never re-posts."""

import pytest

from procurements.models import Participation
from tests.helpers import (
    database_state,
    error_at,
    manage,
    page_text,
    post_refused,
    typed_value,
)

pytestmark = pytest.mark.django_db

BAD_LINE = {
    "description": "Pole mount",
    "quantity": "many",
    "unit": "each",
    "estimated_unit_price": "1,200.00",
}


def test_a_refused_workspace_form_returns_to_its_section_with_what_was_typed(
    client, personas, cameras
):
    client.force_login(personas["officer"])
    action = manage(cameras, "line-items/new/")
    before = database_state()

    response = client.post(action, BAD_LINE)

    assert response.status_code == 303
    assert response["Location"] == manage(cameras) + "#line-items"
    assert client.get(action).status_code == 405  # why the browser must not stay there
    assert database_state() == before


def test_the_page_shows_the_refused_form_once(client, personas, cameras):
    client.force_login(personas["officer"])
    page = post_refused(client, manage(cameras, "line-items/new/"), BAD_LINE)

    assert "Enter a number" in error_at(page, "id_line-quantity")
    assert typed_value(page, "id_line-description") == "Pole mount"
    assert typed_value(page, "id_line-estimated_unit_price") == "1,200.00"
    assert "There is a problem" in page_text(page)

    reloaded = client.get(manage(cameras))
    assert typed_value(reloaded, "id_line-description") == ""
    assert "There is a problem" not in page_text(reloaded)


def test_a_service_refusal_comes_back_with_the_services_words(client, personas, proposed):
    # Publishing before every head approved: the service refuses, not the form.
    client.force_login(personas["officer"])
    page = post_refused(client, manage(proposed, "publish/"))
    assert "in approval: it cannot be published" in page_text(page)


def test_another_page_in_between_drops_what_was_kept(client, personas, cameras):
    client.force_login(personas["officer"])
    response = client.post(manage(cameras, "line-items/new/"), BAD_LINE)
    assert response.status_code == 303

    client.get("/riverton/")  # the officer went elsewhere instead
    later = client.get(manage(cameras))
    assert typed_value(later, "id_line-description") == ""
    assert "There is a problem" not in page_text(later)


def test_what_was_typed_stays_in_the_session_that_typed_it(client, personas, cameras):
    client.force_login(personas["officer"])
    assert client.post(manage(cameras, "line-items/new/"), BAD_LINE).status_code == 303

    other = type(client)()
    other.force_login(personas["head.trn"])
    seen = other.get(manage(cameras))
    assert seen.status_code == 200
    assert "Pole mount" not in seen.content.decode()


def test_a_refused_form_whose_object_is_gone_shows_the_page_as_it_is(client, personas, proposed):
    # The lead department can never be removed: the confirm step's dry run refuses, 303.
    lead = proposed.participations.get(department=proposed.lead_department)
    client.force_login(personas["officer"])
    response = client.post(manage(proposed, f"participations/{lead.pk}/withdraw/"))
    assert response.status_code == 303

    Participation.objects.filter(pk=lead.pk).delete()  # gone before the page was shown
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "always takes part" not in page_text(page)


def test_a_refused_decision_returns_to_the_inbox_beside_that_share(
    client, personas, departments, proposed
):
    client.force_login(personas["head.psd"])
    version = proposed.split_versions.get()
    psd = departments["PSD"]
    action = (
        f"/riverton/approvals/{proposed.reference}/versions/{version.number}"
        f"/departments/{psd.pk}/reject/"
    )
    response = client.post(action, {f"reject-{version.pk}-{psd.pk}-reason": " "})
    assert response["Location"] == "/riverton/approvals/"

    page = client.get(response["Location"])
    prefix = f"reject-{version.pk}-{psd.pk}"
    assert error_at(page, f"id_reason-{prefix}-reason") == "This field is required."


def test_a_refused_person_edit_returns_to_the_persons_page(client, personas):
    officer = personas["officer"]
    client.force_login(personas["admin"])
    data = {"first_name": "Olivia", "last_name": "Officer-Smith", "email": "nope"}

    page = post_refused(client, f"/riverton/people/{officer.pk}/edit/", data)

    assert page.request["PATH_INFO"] == f"/riverton/people/{officer.pk}/"
    assert "valid" in error_at(page, "id_email")
    assert typed_value(page, "id_last_name") == "Officer-Smith"


def test_a_preview_without_javascript_answers_where_it_was_asked(client, personas, cameras):
    # A preview is an answer, not a move: nothing to redirect away from.
    client.force_login(personas["officer"])
    response = client.post(manage(cameras, "cost-split-versions/preview/"), {"method": "nope"})
    assert response.status_code == 400
    assert "not a split method" in error_at(response, "id_split-method")
