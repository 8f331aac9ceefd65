"""The heads' approval inbox, and their decisions on their departments' shares (the award
amounts' decisions are in procurements.views.awards)."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views.base import ServiceFormMixin, TenantViewMixin, get_or_404
from procurements import forms, needs, selectors, services
from procurements.models import AwardShare, CostSplitShare
from procurements.views.base import PAGE_SIZE, version_table


class ApprovalInboxView(TenantViewMixin, TemplateView):
    """The shares awaiting the actor's decision as a department head, each with its version's
    whole split and the moves open on it; and the decisions taken lately."""

    template_name = "procurements/approval_inbox.html"
    section = "approvals"

    def get_context_data(self, **kwargs):
        currency = self.municipality.currency
        page = Paginator(selectors.approvals_pending_for(self.actor), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        # A refused decision (re-rendered, or back here after its 303) replaces that share's form.
        kwargs.update(self.refused_form_context())
        failed = kwargs.pop("failed_form", None)
        failed_share = kwargs.pop("failed_share", None)
        for share in page:
            share.table = version_table(share.version, currency)
            share.moves = CostSplitShare.lifecycle.open_names(share, self.actor)
            key = (share.version_id, share.department_id)
            share.reject_form = forms.ReasonForm(prefix=reject_prefix(*key))
            share.approve_form = approve_form(share.department, key)
            if failed is not None and key == failed_share:
                share.error_form = failed
                if isinstance(failed, forms.ReasonForm):
                    share.reject_form = failed
                if isinstance(failed, forms.ApproveForm):
                    share.approve_form = failed
        kwargs.update(
            page=page,
            currency=currency,
            is_head=bool(self.actor.headed_department_ids),
            decided=selectors.shares_decided_for(self.actor),
            award_shares=award_share_rows(self.actor, failed, failed_share),
            failed_form=failed,
            invitations=needs.invitations_with_moves(self.actor, limit=None),
            back=self.tenant_url("approval-inbox"),
        )
        return super().get_context_data(**kwargs)


def award_share_rows(actor, failed=None, failed_key=None) -> list[AwardShare]:
    """The award amounts awaiting the actor as a head (one query), each with the moves open
    to them and its reject form; a refused decision's form in place of the blank one."""
    rows = list(selectors.award_shares_pending_for(actor))
    for share in rows:
        key = award_share_key(share.award_id, share.department_id)
        share.moves = AwardShare.lifecycle.open_names(share, actor)
        share.reject_form = forms.ReasonForm(prefix=award_reject_prefix(*key[1:]))
        if failed is not None and key == failed_key:
            share.error_form = failed
            if isinstance(failed, forms.ReasonForm):
                share.reject_form = failed
    return rows


def award_share_key(award_pk: int, department_pk: int) -> tuple:
    """Which award amount a refused decision was about (apart from the cost splits' keys)."""
    return ("award", award_pk, department_pk)


def award_reject_prefix(award_pk: int, department_pk: int) -> str:
    return f"award-reject-{award_pk}-{department_pk}"


def approve_form(department, key, data=None) -> forms.ApproveForm:
    """One approve form per share: its fund code select carries the share in its name."""
    return forms.ApproveForm(data, fund_codes=department.fund_codes, prefix=approve_prefix(*key))


def approve_prefix(version_pk: int, department_pk: int) -> str:
    return f"approve-{version_pk}-{department_pk}"


def reject_prefix(version_pk: int, department_pk: int) -> str:
    """One reject form per share on the inbox page: its fields' names carry the share."""
    return f"reject-{version_pk}-{department_pk}"


class DecisionView(ServiceFormMixin, ApprovalInboxView):
    """POST only: approve or reject one department's share of one version. The department
    comes from the URL; the service checks that the actor heads it (403 otherwise)."""

    http_method_names = ["post"]

    def load_objects(self):
        solicitation = get_or_404(
            selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )
        self.version = get_or_404(selectors.split_version_get, solicitation, self.kwargs["number"])
        self.department = get_or_404(
            department_selectors.department_get_for, self.actor, self.kwargs["department_pk"]
        )

    def decided_share_key(self):
        return (self.version.pk, self.department.pk)

    def failure_context(self, form):
        return {"failed_form": form, "failed_share": self.decided_share_key()}

    def refusal_page_url(self) -> str | None:
        return self.tenant_url("approval-inbox")

    def success_url(self, share):
        return self.tenant_url("approval-inbox")


class ApproveView(DecisionView):
    def build_form(self, data=None, files=None):
        return approve_form(self.department, self.decided_share_key(), data)

    def run(self, form):
        return services.share_approve(
            actor=self.actor,
            version=self.version,
            department=self.department,
            fund_code=form.cleaned_data.get("fund_code") or "",
        )

    def success_message(self, share):
        reference = self.version.solicitation.reference
        charged = f", charged to {share.fund_code}" if share.fund_code else ""
        return (
            f"You approved the {self.department.code} share of {reference} "
            f"v{self.version.number}{charged}."
        )


class RejectView(DecisionView):
    def build_form(self, data=None, files=None):
        return forms.ReasonForm(data, prefix=reject_prefix(*self.decided_share_key()))

    def run(self, form):
        return services.share_reject(
            actor=self.actor,
            version=self.version,
            department=self.department,
            reason=form.cleaned_data["reason"],
        )

    def success_message(self, share):
        reference = self.version.solicitation.reference
        return f"You rejected {reference} v{self.version.number} for {self.department.code}."
