"""The vendor portal's pages about one city's solicitation: its public facts, following it,
the company's own questions and the answers everyone may read (`/vendor/solicitations/
<city>/<reference>/`), and the company's questions across cities (`/vendor/questions/`).
Each button and form posts to its own action URL; a refusal comes back to the solicitation's
page after a 303 with what was typed."""

from django import forms as django_forms
from django.core.paginator import Paginator
from django.urls import reverse

from departments.views.base import ServiceFormMixin, get_or_404, render_in_zone
from p3hub.clock import db_now
from p3hub.formatting import time_left, zone_name
from p3hub.forms import NoInputForm, ServiceForm
from procurements import selectors, services
from procurements.services.questions import QUESTION_LIMIT, questions_closed_message
from procurements.views.base import PAGE_SIZE, solicitation_facts
from vendors.views.base import VendorTemplatePage


class QuestionForm(ServiceForm):
    text = django_forms.CharField(
        label="Your question",
        widget=django_forms.Textarea(attrs={"rows": 5, "maxlength": QUESTION_LIMIT}),
        help_text=(
            "The city answers every question for all companies; your company's name is never "
            "shown with it."
        ),
    )


def your_bid(actor, solicitation, now) -> dict:
    """The page's "Your bid" section: the company's live bid with its latest receipt, or
    whether one may be prepared; the time left counted by the database clock."""
    bid = selectors.vendor_bid_on(actor, solicitation)
    return {
        "bid": bid,
        "bid_receipt": selectors.bid_revisions_of(bid).last() if bid else None,
        "bidding_open": services.open_for_bids(solicitation, now),
        "time_left": time_left(solicitation.bids_due_at, now),
    }


class VendorSolicitationPage(VendorTemplatePage):
    """A portal page about one city's solicitation (`<city>/<reference>/` in the URL), found
    by `find` (404 for what the company may not see), rendered in the city's time zone."""

    section = "solicitations"
    find = staticmethod(selectors.vendor_solicitation_get)

    def load_objects(self):
        self.solicitation = get_or_404(
            self.find, self.actor, self.kwargs["municipality_slug"], self.kwargs["reference"]
        )

    def get(self, request, *args, **kwargs):
        # In the city's zone, known once load_objects has fetched the solicitation.
        parent = super().get
        return render_in_zone(self.solicitation.municipality.zone, lambda: parent(request))


class VendorSolicitationView(VendorSolicitationPage):
    """One solicitation the public can see, as a company reads it in the portal; a draft or
    a missing one is 404. Dates in the city's time zone."""

    template_name = "procurements/vendor/solicitation.html"

    def page_url(self, fragment: str = "") -> str:
        solicitation = self.solicitation
        url = reverse(
            "vendor-solicitation", args=[solicitation.municipality.slug, solicitation.reference]
        )
        return f"{url}#{fragment}" if fragment else url

    def get_context_data(self, **kwargs):
        solicitation = self.solicitation
        municipality = solicitation.municipality
        now = db_now()
        kwargs.setdefault("ask_form", QuestionForm())
        kwargs.update(solicitation_facts(solicitation))
        kwargs.update(your_bid(self.actor, solicitation, now))
        kwargs.update(
            municipality=municipality,
            currency=municipality.currency,
            zone=zone_name(municipality.time_zone),
            following=selectors.vendor_follows(self.actor, solicitation),
            my_questions=list(selectors.vendor_questions_on(self.actor, solicitation)),
            questions=list(selectors.answered_questions(solicitation)),
            questions_closed=questions_closed_message(solicitation, now),
            page_url=self.page_url(),
            addenda=list(
                selectors.with_acknowledgement(selectors.addenda_of(solicitation), self.vendor)
            ),
            addendum_open=services.open_for_bids(solicitation, now),
        )
        return super().get_context_data(**kwargs)


class VendorSolicitationActionView(ServiceFormMixin, VendorSolicitationView):
    """POST only: one form, one service, back to the solicitation's page (303 with the
    refused form on a refusal)."""

    http_method_names = ["post"]
    fragment = ""

    def refusal_page_url(self) -> str:
        return self.page_url(self.fragment)

    def success_url(self, result) -> str:
        return self.page_url(self.fragment)


class FollowView(VendorSolicitationActionView):
    form_name, fragment = "follow_form", "follow"

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.solicitation_follow(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, follow):
        return (
            f"Your company follows {self.solicitation.reference}: you are e-mailed its answers "
            "and addenda."
        )


class UnfollowView(FollowView):
    def run(self, form):
        services.solicitation_unfollow(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, result):
        return f"Your company no longer follows {self.solicitation.reference}."


class QuestionAskView(VendorSolicitationActionView):
    form_name, fragment = "ask_form", "ask"

    def build_form(self, data=None, files=None):
        return QuestionForm(data)

    def run(self, form):
        return services.question_ask(
            actor=self.actor, solicitation=self.solicitation, text=form.cleaned_data["text"]
        )

    def success_message(self, question):
        return (
            f"Your question was sent as question {question.number}. The answer will be "
            "published here for every company, without your company's name."
        )

    def success_url(self, question) -> str:
        return self.page_url("my-questions")


class VendorQuestionListView(VendorTemplatePage):
    """The company's questions across every city, newest first, paginated."""

    template_name = "procurements/vendor/questions.html"
    section = "questions"

    def get_context_data(self, **kwargs):
        questions = selectors.vendor_questions(self.actor)
        kwargs["page"] = Paginator(questions, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(**kwargs)
