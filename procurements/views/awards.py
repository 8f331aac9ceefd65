"""The award in the pages (issue 12): the staff page of a solicitation's award (the current
one with each department's amount and its head's decision, the earlier ones, the protests and
the officer's proposal), the heads' decisions from the approval inbox, the public notice and
the bidder's page in the vendor portal with its rank, scores and protests.

What a reader sees: any member of the municipality the award and its amounts (the tabulation
is theirs already), scores only where the committee view is theirs (selectors.
may_see_committee); the public the notice and nothing else; a bidder the notice and its own
row of the ranking, never another company's scores. Each form posts to its own action URL,
and a refusal comes back to its page after a 303 with what was typed."""

import re
from functools import cached_property

from django import forms as django_forms
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views.base import MunicipalityPage, ServiceFormMixin, get_or_404
from p3hub.clock import db_now
from p3hub.formatting import zone_name
from p3hub.forms import OpenChoiceField, ServiceForm
from p3hub.money import format_money
from procurements import forms, selectors, services
from procurements.models import Award, AwardShare, Evaluation, Protest, Solicitation
from procurements.services.awards import REASON_LIMIT
from procurements.views.approvals import (
    DecisionView,
    award_reject_prefix,
    award_share_key,
)
from procurements.views.base import split_table
from procurements.views.manage import SolicitationMixin
from procurements.views.vendor import VendorSolicitationPage

# A primary key as a form sends it; anything else goes to the service as typed, which names
# the field ("Choose the bid to award."): never a 500 for an integer out of range.
PK = re.compile(r"[0-9]{1,9}")


def as_pk(value):
    return int(value) if isinstance(value, str) and PK.fullmatch(value) else value


# --- forms ------------------------------------------------------------------------------------


class AwardProposeForm(forms.PrefixedIds, ServiceForm):
    """The officer's choice among the responsive bids, in the committee's order with the
    top-ranked one preselected; whether a justification is needed is award_propose's rule."""

    id_prefix = "propose"
    bid = OpenChoiceField(label="Bid to award", widget=django_forms.RadioSelect)
    justification = django_forms.CharField(
        label="Justification",
        required=False,
        widget=django_forms.Textarea(attrs={"rows": 4, "maxlength": REASON_LIMIT}),
        help_text=(
            "Required for any bid but the top-ranked one. It is published with the award notice."
        ),
    )

    def __init__(self, *args, rows=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["bid"]
        field.choices = [(str(row.bid.pk), row.bid.vendor.name) for row in rows]
        field.initial = str(rows[0].bid.pk) if rows else ""
        field.shown_required = True
        # The radios beside the rows they choose, for the template (rank, score, total).
        self.options = list(zip(self["bid"], rows, strict=True))
        self.currency = currency


class ProtestResolveForm(ServiceForm):
    upheld = OpenChoiceField(
        label="Decision",
        widget=django_forms.RadioSelect,
        choices=[
            ("false", "Deny it: the award stands"),
            ("true", "Uphold it: the award is withdrawn and the evaluation reopened"),
        ],
    )
    resolution = django_forms.CharField(
        label="Resolution",
        widget=django_forms.Textarea(attrs={"rows": 4, "maxlength": REASON_LIMIT}),
        help_text="Your reasons. The company is told, and they are kept with the award.",
    )

    def upheld_value(self):
        value = self.cleaned_data.get("upheld")
        return {"true": True, "false": False}.get(value, value or None)


def protest_form(protest_pk: int, data=None) -> ProtestResolveForm:
    """One form per open protest on the page: its fields' names and ids carry the protest."""
    return ProtestResolveForm(data, prefix=f"protest-{protest_pk}")


class ProtestFileForm(forms.PrefixedIds, ServiceForm):
    id_prefix = "protest"
    reasons = django_forms.CharField(
        label="Reasons for the protest",
        widget=django_forms.Textarea(attrs={"rows": 6, "maxlength": REASON_LIMIT}),
        help_text="What the city got wrong, and why. The procurement officer decides on it.",
    )


# --- what the pages show ----------------------------------------------------------------------


def award_table(award: Award, currency: str) -> dict:
    """The award's split, priced at the awarded unit prices, with the fund codes charged."""
    descriptions = {line["id"]: line["description"] for line in award.basis}
    caption = (
        f"Award {award.number} of {award.solicitation.reference}: each department's amount at "
        f"the awarded prices, in {currency}"
    )
    fund_codes = {share.department.code: share.fund_code for share in award.shares.all()}
    return split_table(award.result, descriptions, currency, caption, fund_codes)


def protest_period_open(award: Award, now) -> bool:
    """Whether a protest may be filed now, by the database clock (protest_file decides again)."""
    return (
        award.status == Award.Status.PUBLISHED
        and award.protest_ends_at is not None
        and now < award.protest_ends_at
    )


def notice_context(award: Award) -> dict:
    """The public notice: the company, the total, each department's share, the in-kind part
    and the justification when the award is not the top-ranked bid."""
    solicitation = award.solicitation
    municipality = solicitation.municipality
    return {
        "award": award,
        "solicitation": solicitation,
        "municipality": municipality,
        "currency": municipality.currency,
        "zone": zone_name(municipality.time_zone),
        "shares": list(award.shares.all()),
        "split_version": award.split_version if award.in_kind_minor else None,
    }


def own_ranking(ranking: dict, bid_pk: int | None) -> dict:
    """A bidder's own part of the award's ranking: its rank of how many with its scores by
    criterion, or why its bid was found not responsive. Never another company's row."""
    criteria = {str(criterion["id"]): criterion for criterion in ranking["criteria"]}
    rows = ranking["rows"]
    row = next((row for row in rows if row["bid"] == bid_pk), None)
    if row is not None:
        return {
            "ranked": True,
            "rank": row["rank"],
            "of": len(rows),
            "total": row["total"],
            "price_score": row["price_score"],
            "price_weight": ranking["price_weight"],
            "criteria": [
                {
                    "name": criteria[pk]["name"] if pk in criteria else "Criterion",
                    "weight": criteria[pk]["weight"] if pk in criteria else None,
                    "average": average,
                }
                for pk, average in row["criteria"].items()
            ],
        }
    rejected = next((row for row in ranking["non_responsive"] if row["bid"] == bid_pk), None)
    return {"ranked": False, "non_responsive": rejected}


# --- the staff page ---------------------------------------------------------------------------


class AwardMixin(SolicitationMixin):
    def award_url(self, fragment: str = "") -> str:
        url = self.tenant_url("award", self.solicitation.reference)
        return f"{url}#{fragment}" if fragment else url


class AwardView(AwardMixin, TemplateView):
    """The award of one solicitation as its municipality's staff see it."""

    template_name = "procurements/awards/staff.html"

    def get_context_data(self, **kwargs):
        solicitation = self.solicitation
        kwargs.update(self.refused_form_context())
        failed = kwargs.pop("failed_form", None)
        failed_protest = kwargs.pop("failed_protest", None)
        award = selectors.award_current(solicitation)
        evaluation = selectors.evaluation_of(solicitation)
        kwargs.update(
            solicitation=solicitation,
            currency=self.currency,
            zone=zone_name(self.municipality.time_zone),
            award=award,
            evaluation=evaluation,
            sees_scores=selectors.may_see_committee(self.actor, solicitation),
            history=self.history(award),
            has_errors=bool((failed and failed.errors) or kwargs.get("propose_form")),
        )
        if award is not None:
            kwargs.update(self.award_context(award, failed, failed_protest))
        elif self.may_propose(evaluation):
            kwargs.setdefault("propose_form", self.propose_form())
        return super().get_context_data(**kwargs)

    def award_context(self, award: Award, failed, failed_protest) -> dict:
        protests = list(selectors.protests_of(award))
        for protest in protests:
            if Protest.lifecycle.open_names(protest, self.actor):
                refused = failed is not None and protest.pk == failed_protest
                protest.form = failed if refused else protest_form(protest.pk)
        shares = list(award.shares.all())
        return {
            "shares": shares,
            "table": award_table(award, self.currency),
            "protests": protests,
            "awaits_you": [
                share for share in shares if AwardShare.lifecycle.open_names(share, self.actor)
            ],
            "split_version": award.split_version if award.in_kind_minor else None,
        }

    def history(self, current: Award | None) -> list[Award]:
        """The earlier proposals (rejected or withdrawn), with their reasons and protests."""
        earlier = selectors.awards_of(self.solicitation).prefetch_related("protests__vendor")
        return [award for award in earlier if current is None or award.pk != current.pk]

    def may_propose(self, evaluation: Evaluation | None) -> bool:
        """Whether to offer the officer the form; award_propose decides again."""
        return (
            self.actor.is_officer
            and self.solicitation.status == Solicitation.Status.UNDER_EVALUATION
            and evaluation is not None
            and evaluation.status == Evaluation.Status.CLOSED
        )

    def propose_form(self, data=None) -> AwardProposeForm:
        committee = selectors.committee_of(self.solicitation)
        return AwardProposeForm(data, rows=committee.rows, currency=self.currency)


class AwardActionView(ServiceFormMixin, AwardView):
    """POST only: one form, one service, back to the award page (303 with the refused form
    on a refusal)."""

    http_method_names = ["post"]
    fragment = ""

    def refusal_page_url(self) -> str:
        return self.award_url(self.fragment)

    def success_url(self, result) -> str:
        return self.award_url()


class AwardProposeView(AwardActionView):
    form_name, fragment = "propose_form", "propose"

    def build_form(self, data=None, files=None):
        return self.propose_form(data)

    def run(self, form):
        return services.award_propose(
            actor=self.actor,
            solicitation=self.solicitation,
            bid=as_pk(form.cleaned_data.get("bid")),
            justification=form.cleaned_data.get("justification") or "",
        )

    def success_message(self, award) -> str:
        return (
            f"You proposed award {award.number} to {award.bid.vendor.name} for "
            f"{format_money(award.total_minor, self.currency)}. Each participating department's "
            "head is asked to approve its amount."
        )


class ProtestResolveView(AwardActionView):
    @property
    def fragment(self) -> str:
        return f"protest-{self.kwargs['pk']}"

    @cached_property
    def protest(self) -> Protest:
        # Fetched where the POST first needs it, not in load_objects: a GET of this action
        # URL answers 405 whatever the number, like every action URL of a row that exists.
        return get_or_404(protest_of, self.solicitation, self.kwargs["pk"])

    def build_form(self, data=None, files=None):
        return protest_form(self.protest.pk, data)

    def failure_context(self, form):
        return {"failed_form": form, "failed_protest": self.protest.pk}

    def run(self, form):
        return services.protest_resolve(
            actor=self.actor,
            protest=self.protest,
            upheld=form.upheld_value(),
            resolution=form.cleaned_data.get("resolution") or "",
        )

    def success_message(self, protest) -> str:
        if protest.status == Protest.Status.UPHELD:
            return (
                f"You upheld the protest of {protest.vendor.name}: the award is withdrawn and "
                "the evaluation reopened."
            )
        return f"You denied the protest of {protest.vendor.name}; the award stands."


def protest_of(solicitation: Solicitation, pk) -> Protest:
    return selectors.protest_get(solicitation, pk)


# --- the heads' decisions, from the approval inbox --------------------------------------------


class AwardDecisionView(DecisionView):
    """POST only: approve or reject one department's amount of one award. The department
    comes from the URL; the service checks that the actor heads it (403 otherwise)."""

    def load_objects(self):
        solicitation = get_or_404(
            selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )
        self.solicitation = solicitation
        self.department = get_or_404(
            department_selectors.department_get_for, self.actor, self.kwargs["department_pk"]
        )

    @cached_property
    def award(self) -> Award:
        # Fetched where the POST first needs it, not in load_objects: a GET of this action
        # URL answers 405 whatever the number, like the cost splits' decision URLs.
        award = get_or_404(selectors.award_get, self.solicitation, self.kwargs["number"])
        award.solicitation = self.solicitation
        return award

    def decided_share_key(self):
        return award_share_key(self.award.pk, self.department.pk)

    def award_named(self) -> str:
        return f"award {self.award.number} of {self.award.solicitation.reference}"


class AwardShareApproveView(AwardDecisionView):
    def build_form(self, data=None, files=None):
        return forms.NoInputForm(data)

    def run(self, form):
        return services.award_share_approve(
            actor=self.actor, award=self.award, department=self.department
        )

    def success_message(self, share) -> str:
        self.award.refresh_from_db(fields=["status"])
        published = " Every department approved: the award notice is published." * (
            self.award.status in Award.PUBLIC
        )
        return f"You approved the {self.department.code} amount of {self.award_named()}.{published}"


class AwardShareRejectView(AwardDecisionView):
    def build_form(self, data=None, files=None):
        return forms.ReasonForm(data, prefix=award_reject_prefix(*self.decided_share_key()[1:]))

    def run(self, form):
        return services.award_share_reject(
            actor=self.actor,
            award=self.award,
            department=self.department,
            reason=form.cleaned_data.get("reason") or "",
        )

    def success_message(self, award) -> str:
        return (
            f"You rejected {self.award_named()} for {self.department.code}: the solicitation "
            "returns to evaluation with your reason."
        )


# --- the public notice ------------------------------------------------------------------------


class PublicAwardView(MunicipalityPage, TemplateView):
    """The award notice of a public solicitation once published; 404 before."""

    template_name = "procurements/awards/public.html"

    def load_objects(self):
        self.solicitation = get_or_404(
            selectors.solicitation_public_get, self.municipality, self.kwargs["reference"]
        )
        self.award = get_or_404(selectors.award_public, self.solicitation)
        self.award.solicitation = self.solicitation

    def get_context_data(self, **kwargs):
        kwargs.update(notice_context(self.award))
        return super().get_context_data(**kwargs)


# --- the bidder's page in the vendor portal ---------------------------------------------------


class VendorAwardView(VendorSolicitationPage):
    """The notice for a company whose bid was opened, once published, with its own rank and
    scores (or why its bid was not responsive), its protests and, during the protest period,
    the protest form. 404 for a company that did not bid, and before publication."""

    template_name = "procurements/awards/vendor.html"

    def load_objects(self):
        super().load_objects()
        # self.actor, not self.vendor: a refused protest's page rebuilds this view with its
        # actor only (departments.views.base.take_refused_form).
        if not selectors.vendor_bid_here(self.actor.vendor, self.solicitation):
            raise Http404("Not found.")
        self.award = get_or_404(selectors.award_public, self.solicitation)
        self.award.solicitation = self.solicitation

    def page_url(self, fragment: str = "") -> str:
        solicitation = self.solicitation
        url = reverse("vendor-award", args=[solicitation.municipality.slug, solicitation.reference])
        return f"{url}#{fragment}" if fragment else url

    def get_context_data(self, **kwargs):
        award = self.award
        bid = selectors.vendor_bid_on(self.actor, self.solicitation)
        kwargs.setdefault("protest_form", ProtestFileForm())
        protests = list(selectors.vendor_protests(self.actor.vendor, award))
        kwargs.update(notice_context(award))
        kwargs.update(
            bid=bid,
            own=own_ranking(award.ranking, bid.pk if bid else None),
            is_winner=bid is not None and bid.pk == award.bid_id,
            protests=protests,
            has_open_protest=any(p.status == Protest.Status.OPEN for p in protests),
            protest_open=protest_period_open(award, db_now()),
        )
        return super().get_context_data(**kwargs)


class ProtestFileView(ServiceFormMixin, VendorAwardView):
    """POST only: the company's protest, back to its award page."""

    http_method_names = ["post"]
    form_name = "protest_form"

    def build_form(self, data=None, files=None):
        return ProtestFileForm(data)

    def run(self, form):
        return services.protest_file(
            actor=self.actor, award=self.award, reasons=form.cleaned_data.get("reasons") or ""
        )

    def refusal_page_url(self) -> str:
        return self.page_url("protest")

    def success_url(self, protest) -> str:
        return self.page_url("protests")

    def success_message(self, protest) -> str:
        return (
            "Your protest was filed. The procurement officer decides on it; you are e-mailed "
            "the decision."
        )
