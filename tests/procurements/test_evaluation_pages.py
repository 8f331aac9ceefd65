"""The staff evaluation pages (issue 12, items 1-3): the officer appoints evaluators, decides
each opened bid's responsiveness and closes the evaluation; the participating heads follow it
read-only; an evaluator declares per bidder, and only once cleared sees the bids to score;
nobody sees another evaluator's scores before submitting their own; another city's staff get
404 everywhere, and bad input comes back beside its field with nothing changed."""

import datetime as dt

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from departments.models import User
from departments.tenancy import tenant_actor_for
from p3hub.models import OutboundEmail
from procurements import selectors, services
from procurements.models import Bid, ConflictDeclaration, Score, ScoreSheet, Solicitation
from procurements.services import opening
from tests.factories import (
    bidding_companies,
    build_opened,
    build_published,
    build_scored,
    declare_no_conflict,
    join_by_invitation,
    submitted_bid,
)
from tests.helpers import (
    database_state,
    error_at,
    page_text,
    post_refused,
    queries_for_get,
    typed_value,
)
from tests.test_no_500 import FORM_VALUES, audit_count
from tests.test_no_500_pages import FormFinder, encoded

pytestmark = pytest.mark.django_db

# What the opened bids show (build_opened): totals and unit prices, to look for in a page.
PRICES = ["4,500.00", "4,200.00", "1,000.00", "900.00", "250.00", "300.00"]
COMPANIES = ["Acme Traffic Systems", "Beacon Safety Technologies"]
PAGES = ["evaluation", "evaluation-declare", "score-sheet", "score-sheet-submit"]
ACTIONS = [
    "evaluator-grant",
    "score-sheet-submit",
    "evaluation-close",
    "evaluation-reopen",
]


def page(solicitation, name: str = "evaluation", *args) -> str:
    return reverse(name, args=[solicitation.municipality.slug, solicitation.reference, *args])


def signed_in(client, personas, username):
    client.force_login(personas[username])
    return client


@pytest.fixture
def opened(actor, departments, personas):
    return build_opened(actor, departments, personas)


@pytest.fixture
def appointed(opened, actor, personas):
    """The opened cameras with `evaluator` appointed, not declared yet."""
    services.evaluator_grant(
        actor=actor("officer"), solicitation=opened, user=personas["evaluator"]
    )
    return opened


@pytest.fixture
def cleared(appointed, actor):
    """`evaluator` declared no conflict; both bids responsive."""
    for bid in (appointed.acme, appointed.beacon):
        services.bid_responsiveness_set(
            actor=actor("officer"), solicitation=appointed, bid=bid, responsive=True
        )
    declare_no_conflict(actor("evaluator"), appointed)
    appointed.technical = appointed.criteria.get(is_price=False)
    return appointed


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


def second_evaluator(actor, solicitation):
    """Nia Ode, a member of TRN, appointed and declared no conflict: her TenantActor."""
    nia = User.objects.create_user(username="nia", first_name="Nia", last_name="Ode")
    join_by_invitation(actor("admin"), nia, "member", department="TRN")
    services.evaluator_grant(actor=actor("officer"), solicitation=solicitation, user=nia)
    second = tenant_actor_for(nia, "riverton")
    declare_no_conflict(second, solicitation)
    return second


def points_field(solicitation, bid) -> str:
    return f"score-{bid.pk}-{solicitation.technical.pk}-points"


def assert_nothing_of_the_bids(body: str) -> None:
    for secret in PRICES:
        assert secret not in body, secret


class TestTheOfficer:
    def test_sees_the_committee_the_bids_with_proposals_and_what_stops_closing(
        self, client, personas, appointed
    ):
        signed_in(client, personas, "officer")
        response = client.get(page(appointed))
        assert response.status_code == 200
        text = page_text(response)
        assert "Evaluators" in text and "Evan Lowe" in text and "Not declared yet" in text
        for company in COMPANIES:
            assert company in text
        assert "4,500.00" in text and "4,200.00" in text
        # Neither company holds an insurance certificate valid at the deadline: proposed.
        assert "The insurance certificate had expired at the deadline" in text
        assert text.count("Save the decision") == 2
        assert "Before it can close" in text and "Decide the responsiveness of 2" in text
        assert "Appoint evaluator" in text
        body = response.content.decode()
        assert page(appointed, "evaluator-revoke", personas["evaluator"].pk) in body
        # The committee view, on price alone until a sheet is in.
        assert "Committee view" in text and "No score sheet is submitted yet" in text

    def test_appoints_an_evaluator_who_is_emailed(
        self, client, personas, opened, django_capture_on_commit_callbacks
    ):
        signed_in(client, personas, "officer")
        grant = client.get(page(opened)).content.decode()
        evaluator = personas["evaluator"]
        assert f'<option value="{evaluator.pk}">Evan Lowe</option>' in grant
        assert f'value="{personas["officer"].pk}"' not in grant  # never themselves
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(page(opened, "evaluator-grant"), {"user": evaluator.pk})
        assert response.status_code == 302
        assert response["Location"] == page(opened) + "#committee"
        assert selectors.is_evaluator(evaluator, opened)
        assert OutboundEmail.objects.filter(to=[evaluator.email]).exists()
        assert Solicitation.objects.get(pk=opened.pk).status == "under_evaluation"

    def test_decides_responsiveness_with_a_reason(self, client, personas, opened):
        signed_in(client, personas, "officer")
        response = client.post(
            page(opened, "bid-responsiveness", opened.acme.pk),
            {"responsive": "no", "reason": "document_missing", "note": "No bond."},
        )
        assert response.status_code == 302
        assert response["Location"] == page(opened) + f"#bid-{opened.acme.pk}"
        acme = Bid.objects.get(pk=opened.acme.pk)
        assert (acme.status, acme.responsiveness_reason) == ("non_responsive", "document_missing")
        text = page_text(client.get(page(opened)))
        assert "Not responsive A required document is missing: “No bond.”" in text

    def test_removes_an_evaluator_after_a_confirm_step(self, client, personas, appointed):
        signed_in(client, personas, "officer")
        url = page(appointed, "evaluator-revoke", personas["evaluator"].pk)
        asked = client.post(url)
        assert asked.status_code == 200 and "Remove Evan Lowe" in page_text(asked)
        assert selectors.is_evaluator(personas["evaluator"], appointed)
        done = client.post(url, {"confirmed": "1"})
        assert done.status_code == 302
        assert not selectors.is_evaluator(personas["evaluator"], appointed)

    def test_closes_after_a_confirm_step_then_links_the_award_and_offers_reopening(
        self, client, personas, cleared, actor
    ):
        evaluator = actor("evaluator")
        services.score_sheet_save(
            actor=evaluator,
            solicitation=cleared,
            scores=[
                {"bid": bid.pk, "criterion": cleared.technical.pk, "points": 70}
                for bid in (cleared.acme, cleared.beacon)
            ],
        )
        services.score_sheet_submit(actor=evaluator, solicitation=cleared)
        signed_in(client, personas, "officer")
        assert "Close the evaluation…" in page_text(client.get(page(cleared)))
        asked = client.post(page(cleared, "evaluation-close"))
        assert asked.status_code == 200 and "responsiveness decision is locked" in page_text(asked)
        assert selectors.evaluation_of(cleared).is_open
        done = client.post(page(cleared, "evaluation-close"), {"confirmed": "1"})
        assert done.status_code == 302
        text = page_text(client.get(page(cleared)))
        assert "The evaluation is closed" in text and "Reopen the evaluation" in text
        assert page(cleared, "award") in client.get(page(cleared)).content.decode()
        assert "Save the decision" not in text and "Appoint evaluator" not in text

    def test_reopens_with_a_reason(self, client, personas, scored):
        signed_in(client, personas, "officer")
        url = page(scored, "evaluation-reopen")
        asked = client.post(url, {"reason": "Recount the technical scores."})
        assert asked.status_code == 200 and "A new round starts" in page_text(asked)
        done = client.post(url, {"reason": "Recount the technical scores.", "confirmed": "1"})
        assert done.status_code == 302
        evaluation = selectors.evaluation_of(scored)
        assert evaluation.is_open and evaluation.round == 2
        assert "Recount the technical scores." in page_text(client.get(page(scored)))


class TestTheHeads:
    @pytest.mark.parametrize("username", ["head.trn", "head.psd"])
    def test_follow_it_read_only_with_the_committee_view(self, client, personas, scored, username):
        signed_in(client, personas, username)
        response = client.get(page(scored))
        assert response.status_code == 200
        text = page_text(response)
        assert "Evan Lowe" in text and "Score sheet submitted" in text
        assert "91.33" in text and "76.00" in text  # the weighted totals
        body = response.content.decode()
        assert '<form method="post" action="/riverton/manage' not in body
        assert "Appoint evaluator" not in text and "Reopen the evaluation" not in text

    def test_cannot_act(self, client, personas, appointed):
        signed_in(client, personas, "head.trn")
        before = database_state()
        evaluator = personas["evaluator"]
        posts = [
            (page(appointed, "evaluator-grant"), {"user": personas["head.psd"].pk}),
            (page(appointed, "evaluator-revoke", evaluator.pk), {"confirmed": "1"}),
            (page(appointed, "bid-responsiveness", appointed.acme.pk), {"responsive": "yes"}),
            (page(appointed, "evaluation-close"), {"confirmed": "1"}),
        ]
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
        assert database_state() == before


class TestTheEvaluator:
    def test_before_declaring_sees_what_to_do_and_nothing_of_the_bids(
        self, client, personas, appointed
    ):
        signed_in(client, personas, "evaluator")
        response = client.get(page(appointed))
        assert response.status_code == 200
        text = page_text(response)
        assert "Make your declaration" in text
        assert page(appointed, "evaluation-declare") in response.content.decode()
        assert_nothing_of_the_bids(response.content.decode())
        for company in COMPANIES:
            assert company not in text
        assert client.get(page(appointed, "score-sheet")).status_code == 404

    def test_declares_no_conflict_then_scores_and_submits(self, client, personas, appointed, actor):
        for bid in (appointed.acme, appointed.beacon):
            services.bid_responsiveness_set(
                actor=actor("officer"), solicitation=appointed, bid=bid, responsive=True
            )
        signed_in(client, personas, "evaluator")
        form = client.get(page(appointed, "evaluation-declare"))
        assert "No conflict" in page_text(form) and "Conflict of interest" in page_text(form)
        answers = {f"conflicts.{bid.vendor_id}": "no" for bid in (appointed.acme, appointed.beacon)}
        declared = client.post(
            page(appointed, "evaluation-declare"), {**answers, "typed_name": "Evan Lowe"}
        )
        assert declared["Location"] == page(appointed, "score-sheet")

        sheet = client.get(page(appointed, "score-sheet"))
        text = page_text(sheet)
        for shown in (*COMPANIES, "4,500.00", "1,000.00", "300.00", "Technical approach"):
            assert shown in text, shown
        technical = appointed.criteria.get(is_price=False)
        data = {
            f"score-{bid.pk}-{technical.pk}-points": points
            for bid, points in ((appointed.acme, "80"), (appointed.beacon, "65"))
        }
        data[f"score-{appointed.acme.pk}-{technical.pk}-comment"] = "Solid mounting plan."
        saved = client.post(page(appointed, "score-sheet"), data)
        assert saved.status_code == 302
        assert sorted(Score.objects.values_list("points", flat=True)) == [65, 80]

        asked = client.post(page(appointed, "score-sheet-submit"))
        assert asked.status_code == 200 and "Your scores are locked" in page_text(asked)
        done = client.post(page(appointed, "score-sheet-submit"), {"confirmed": "1"})
        assert done["Location"] == page(appointed) + "#committee-view"
        committee = page_text(client.get(page(appointed)))
        assert "Committee view" in committee and "Evan Lowe: 80" in committee
        locked = page_text(client.get(page(appointed, "score-sheet")))
        assert "Submitted" in locked and "Save my scores" not in locked
        assert "80 points: Solid mounting plan." in locked

    def test_a_declared_conflict_removes_them_and_hides_everything(
        self, client, personas, appointed
    ):
        signed_in(client, personas, "evaluator")
        answers = {
            f"conflicts.{appointed.acme.vendor_id}": "yes",
            f"conflicts.{appointed.beacon.vendor_id}": "no",
        }
        response = client.post(
            page(appointed, "evaluation-declare"),
            {**answers, "typed_name": "Evan Lowe", "note": "My brother works at Acme."},
            follow=True,
        )
        text = page_text(response)
        assert "You were removed from this evaluation" in text
        assert "conflict of interest with Acme Traffic Systems" in text
        assert_nothing_of_the_bids(response.content.decode())
        for name in ("score-sheet", "score-sheet-submit"):
            assert client.get(page(appointed, name)).status_code == 404, name
        assert_nothing_of_the_bids(client.get(page(appointed)).content.decode())

        officer = signed_in(client, personas, "officer")
        record = page_text(officer.get(page(appointed)))
        assert "Conflicts of interest declared" in record and "My brother works at Acme." in record
        assert "Evan Lowe (declared a conflict of interest here)" in record

    @pytest.mark.parametrize("state", ["not appointed", "not declared", "declared a conflict"])
    def test_not_cleared_sees_no_bid_and_no_score(self, client, personas, actor, opened, state):
        # Given Nia, another evaluator, scored both bids 73 and 87 and submitted.
        officer = actor("officer")
        for bid in (opened.acme, opened.beacon):
            services.bid_responsiveness_set(
                actor=officer, solicitation=opened, bid=bid, responsive=True
            )
        nia = second_evaluator(actor, opened)
        technical = opened.criteria.get(is_price=False)
        services.score_sheet_save(
            actor=nia,
            solicitation=opened,
            scores=[
                {"bid": opened.acme.pk, "criterion": technical.pk, "points": 73},
                {"bid": opened.beacon.pk, "criterion": technical.pk, "points": 87},
            ],
        )
        services.score_sheet_submit(actor=nia, solicitation=opened)
        if state != "not appointed":
            services.evaluator_grant(actor=officer, solicitation=opened, user=personas["evaluator"])
        if state == "declared a conflict":
            services.declaration_submit(
                actor=actor("evaluator"),
                solicitation=opened,
                conflicts={opened.acme.vendor_id: True, opened.beacon.vendor_id: False},
                typed_name="Evan Lowe",
            )

        signed_in(client, personas, "evaluator")
        response = client.get(page(opened))
        assert response.status_code == 200
        assert_nothing_of_the_bids(response.content.decode())
        text = page_text(response)
        for secret in ("Nia Ode", "73", "87", "Committee view", *COMPANIES):
            assert secret not in text, secret
        for name in ("score-sheet", "score-sheet-submit"):
            assert client.get(page(opened, name)).status_code == 404, name
        declaration = client.get(page(opened, "evaluation-declare")).status_code
        assert declaration == (404 if state == "not appointed" else 200)

    def test_does_not_see_another_evaluators_scores_before_submitting(
        self, client, personas, cleared, actor
    ):
        # Given a second evaluator, a member of TRN, who submits first.
        second = second_evaluator(actor, cleared)
        services.score_sheet_save(
            actor=second,
            solicitation=cleared,
            scores=[
                {"bid": cleared.acme.pk, "criterion": cleared.technical.pk, "points": 73},
                {"bid": cleared.beacon.pk, "criterion": cleared.technical.pk, "points": 87},
            ],
        )
        services.score_sheet_submit(actor=second, solicitation=cleared)

        # Then evaluator, still in draft, sees neither Nia's points nor the committee view.
        signed_in(client, personas, "evaluator")
        for name in ("evaluation", "score-sheet"):
            text = page_text(client.get(page(cleared, name)))
            assert "Nia Ode" not in text and "73" not in text and "87" not in text, name
        assert "Committee view" not in page_text(client.get(page(cleared)))

        # Once theirs is submitted, they see everyone's.
        services.score_sheet_save(
            actor=actor("evaluator"),
            solicitation=cleared,
            scores=[
                {"bid": bid.pk, "criterion": cleared.technical.pk, "points": 90}
                for bid in (cleared.acme, cleared.beacon)
            ],
        )
        services.score_sheet_submit(actor=actor("evaluator"), solicitation=cleared)
        text = page_text(client.get(page(cleared)))
        assert "Nia Ode: 73" in text and "Evan Lowe: 90" in text

    def test_outliers_are_said_in_words(self, client, personas, cleared, actor):
        people = []
        for username in ("nia", "omar"):
            person = User.objects.create_user(username=username, first_name=username.title())
            join_by_invitation(actor("admin"), person, "member", department="TRN")
            services.evaluator_grant(actor=actor("officer"), solicitation=cleared, user=person)
            people.append(tenant_actor_for(person, "riverton"))
        for evaluator, points in zip([actor("evaluator"), *people], (80, 40, 50), strict=True):
            if evaluator.user.username != "evaluator":
                declare_no_conflict(evaluator, cleared)
            services.score_sheet_save(
                actor=evaluator,
                solicitation=cleared,
                scores=[
                    {"bid": bid.pk, "criterion": cleared.technical.pk, "points": points}
                    for bid in (cleared.acme, cleared.beacon)
                ],
            )
            services.score_sheet_submit(actor=evaluator, solicitation=cleared)
        text = page_text(signed_in(client, personas, "officer").get(page(cleared)))
        # 80 is 35 points from the others' mean of 45; 40 is 25 from 65: not more than 25.
        assert "Evan Lowe: 80 outlier" in text
        assert "Nia: 40 outlier" not in text and "Omar: 50 outlier" not in text


class TestIsolation:
    def test_another_citys_staff_get_404_everywhere(self, client, personas, scored):
        signed_in(client, personas, "officer.lakeside")
        evaluator = personas["evaluator"]
        before = database_state()
        urls = [page(scored, name) for name in PAGES + ACTIONS]
        urls += [
            page(scored, "evaluator-revoke", evaluator.pk),
            page(scored, "bid-responsiveness", scored.acme.pk),
        ]
        for url in urls:
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"confirmed": "1", "reason": "x"}).status_code == 404, url
        assert database_state() == before

    def test_a_member_who_is_not_an_evaluator_sees_only_where_it_stands(
        self, client, personas, scored
    ):
        signed_in(client, personas, "admin")
        response = client.get(page(scored))
        assert response.status_code == 200
        text = page_text(response)
        assert "The evaluation is closed" in text and "you are not an evaluator" in text
        for secret in ("Evan Lowe", "91.33", "Committee view", "Save the decision"):
            assert secret not in text, secret
        for name in PAGES[1:]:
            assert client.get(page(scored, name)).status_code == 404, name

    def test_the_workspace_links_the_evaluation_and_the_award(self, client, personas, scored):
        for username in ("officer", "head.psd", "evaluator"):
            signed_in(client, personas, username)
            body = client.get(page(scored, "solicitation-manage")).content.decode()
            assert page(scored) in body and page(scored, "award") in body, username


class TestBadInput:
    def test_points_out_of_range_or_not_a_number_come_back_beside_the_input(
        self, client, personas, cleared
    ):
        signed_in(client, personas, "evaluator")
        acme, beacon = points_field(cleared, cleared.acme), points_field(cleared, cleared.beacon)
        comment = acme.replace("points", "comment")
        before = database_state()
        response = client.post(
            page(cleared, "score-sheet"), {acme: "101", beacon: "abc", comment: "Kept as typed"}
        )
        assert response.status_code == 400
        for field, typed in ((acme, "101"), (beacon, "abc")):
            assert error_at(response, f"id_{field}") == "Enter a whole number from 0 to 100."
            assert typed_value(response, f"id_{field}") == typed
        assert typed_value(response, f"id_{comment}") == "Kept as typed"
        assert database_state() == before
        assert not Score.objects.exists() and not ScoreSheet.objects.filter(scores__isnull=False)

    def test_submitting_an_incomplete_sheet_says_what_is_missing(self, client, personas, cleared):
        signed_in(client, personas, "evaluator")
        before = ScoreSheet.objects.filter(status="submitted").count()
        shown = post_refused(client, page(cleared, "score-sheet-submit"))
        assert "2 still to score" in page_text(shown)
        assert ScoreSheet.objects.filter(status="submitted").count() == before

    def test_not_responsive_without_a_reason_keeps_what_was_typed(self, client, personas, opened):
        signed_in(client, personas, "officer")
        before = database_state()
        shown = post_refused(
            client,
            page(opened, "bid-responsiveness", opened.beacon.pk),
            {"responsive": "no", "reason": "", "note": "Typed note"},
        )
        prefix = f"id_bid-{opened.beacon.pk}-"
        assert error_at(shown, f"{prefix}reason") == "This field is required."
        assert typed_value(shown, f"{prefix}note") == "Typed note"
        assert f'id="{prefix}responsive_1" checked' in shown.content.decode()
        assert database_state() == before
        assert Bid.objects.get(pk=opened.beacon.pk).status == "opened"

    def test_an_unknown_person_is_refused_on_the_field(self, client, personas, opened):
        signed_in(client, personas, "officer")
        before = database_state()
        for value in ("987654", personas["officer.lakeside"].pk, "abc"):
            shown = post_refused(client, page(opened, "evaluator-grant"), {"user": value})
            assert error_at(shown, "id_grant-user") == "Choose a person of this municipality."
        assert database_state() == before

    def test_reopening_without_a_reason(self, client, personas, scored):
        signed_in(client, personas, "officer")
        before = database_state()
        shown = post_refused(client, page(scored, "evaluation-reopen"), {"reason": " "})
        assert error_at(shown, "id_reason-reason") == "This field is required."
        assert database_state() == before

    def test_a_declaration_with_a_wrong_name_keeps_the_answers(self, client, personas, appointed):
        signed_in(client, personas, "evaluator")
        acme, beacon = appointed.acme.vendor_id, appointed.beacon.vendor_id
        response = client.post(
            page(appointed, "evaluation-declare"),
            {f"conflicts.{acme}": "no", "typed_name": "Someone Else", "note": "Kept"},
        )
        assert response.status_code == 400
        assert "Type your full name, “Evan Lowe”" in error_at(response, "id_typed_name")
        assert "Beacon Safety Technologies" in error_at(response, f"id_conflicts.{beacon}")
        assert typed_value(response, "id_typed_name") == "Someone Else"
        assert typed_value(response, "id_note") == "Kept"
        assert f'id="id_conflicts.{acme}_0" checked' in response.content.decode()
        assert not ConflictDeclaration.objects.exists()

    def test_every_form_takes_every_hostile_value_without_a_500(
        self, client, personas, appointed, actor
    ):
        """tests/test_no_500_pages.py sweeps riverton's pages around a solicitation not yet
        open, where these forms do not show: the same sweep, on the opened one."""
        officer_forms = forms_on(signed_in(client, personas, "officer"), page(appointed))
        assert len(officer_forms) >= 3  # appointing, and each bid's decision
        swept = sweep(client, officer_forms)
        declaration = page(appointed, "evaluation-declare")
        swept += sweep(client, forms_on(signed_in(client, personas, "evaluator"), declaration))
        declare_no_conflict(actor("evaluator"), appointed)
        for bid in (appointed.acme, appointed.beacon):
            services.bid_responsiveness_set(
                actor=actor("officer"), solicitation=appointed, bid=bid, responsive=True
            )
        sheet = forms_on(client, page(appointed, "score-sheet"))
        assert len(next(iter(sheet.values()))) == 4  # points and comment on both bids
        swept += sweep(client, sheet)
        assert swept > 50


def forms_on(client, url: str) -> dict:
    """{action: fields} of the POST forms with fields on the page."""
    finder = FormFinder()
    finder.feed(client.get(url).content.decode())
    found = {}
    for form in finder.forms:
        fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
        if form["method"] == "post" and fields and not form["action"].startswith("/accounts/"):
            found[form["action"] or url] = fields
    return found


def sweep(client, forms: dict) -> int:
    """Each field of each form given every hostile value: never a 500, and a refusal writes
    no audit event."""
    swept = 0
    for action, fields in forms.items():
        for field in fields:
            for value in FORM_VALUES:
                before = audit_count()
                response = client.post(
                    action,
                    encoded({**fields, field: value}),
                    content_type="application/x-www-form-urlencoded",
                )
                assert response.status_code < 500, (action, field, value[:30])
                if response.status_code >= 400:
                    assert audit_count() == before, (action, field)
                swept += 1
    return swept


def test_query_counts_do_not_grow_with_the_bids(client, personas, actor, departments):
    """The evaluation page of the officer and the evaluator's score sheet: 10 opened bids
    cost the same queries as 100."""
    officer, evaluator = actor("officer"), actor("evaluator")
    companies = bidding_companies(100)
    solicitations = []
    for count in (10, 100):
        solicitation = build_published(actor, departments)
        for company in companies[:count]:
            submitted_bid(company, solicitation, {"1": "100.00", "2": "10.00"})
        open_now(officer, solicitation)
        for bid in selectors.opened_bids_of(solicitation):
            services.bid_responsiveness_set(
                actor=officer, solicitation=solicitation, bid=bid, responsive=True
            )
        services.evaluator_grant(
            actor=officer, solicitation=solicitation, user=personas["evaluator"]
        )
        declare_no_conflict(evaluator, solicitation)
        solicitations.append(solicitation)
    few, many = solicitations

    signed_in(client, personas, "officer")
    assert queries_for_get(client, page(few)) == queries_for_get(client, page(many))
    signed_in(client, personas, "evaluator")
    sheet = "score-sheet"
    assert queries_for_get(client, page(few, sheet)) == queries_for_get(client, page(many, sheet))


def open_now(officer, solicitation) -> None:
    """The deadline a minute ago by the database clock, and the bids opened."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=officer, solicitation=solicitation)
    opening.opening_run(solicitation.pk)
