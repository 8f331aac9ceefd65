"""Confirmation before a destructive or binding action, without JavaScript (issue 9, item 6).

An action view (a `ServiceFormMixin` view that POSTs to one service) mixes in
`ConfirmActionMixin` and becomes a two-step page:

- GET shows the confirm page (templates/includes/confirm.html): what will happen, in the
  view's words, and a form that POSTs the action with `confirmed=1`;
- a POST without `confirmed=1` (a button on another page, a stale form) never acts. The service
  is first tried in a transaction that is rolled back: if it would refuse, the refusal is shown
  exactly as an unconfirmed action always showed it (the page's form with the error); if it
  would succeed, the confirm page answers instead, keeping what was typed;
- a POST with `confirmed=1` runs the service once, as before; a refusal then re-renders the
  confirm page with the error and what was typed.

The API is unchanged: an API call is its own confirmation.

A view supplies `confirm_title`, `confirm_button`, `confirm_consequences()` (sentences saying
what will happen) and `confirm_back_url()`; optionally `confirm_blockers()` (messages that
stop the action: the page then says what to fix instead of offering the button) and
`confirm_breadcrumbs()` and `confirm_check()` (refuse the page itself to whoever may not act).
Only for services whose every effect is in the database (the dry run relies on the rollback;
e-mails queued with on_commit are dropped with it).
"""

from django.db import transaction
from django.template.response import TemplateResponse

from departments.views.base import Outcome, raise_as_http, run_service
from p3hub.errors import ApplicationError

CONFIRM_FIELD = "confirmed"


class _DryRun(Exception):
    """Raised to roll back a service that was only being tried."""


class ConfirmActionMixin:
    """Mix in before the action view: `class PublishView(ConfirmActionMixin, ActionView)`."""

    http_method_names = ["get", "post"]
    confirm_template_name = "includes/confirm.html"
    confirm_title = "Are you sure?"
    confirm_button = "Confirm"
    confirm_button_class = "button"
    confirm_back_label = "Go back"

    def confirm_consequences(self) -> list[str]:
        """What will happen, one sentence each, in the words the person will read."""
        return []

    def confirm_blockers(self) -> list[str]:
        """Why the action cannot happen now (empty: it can)."""
        return []

    def confirm_back_url(self) -> str:
        raise NotImplementedError

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        """(label, url) pairs before the confirm page's own crumb."""
        return []

    def confirm_check(self) -> None:
        """Refuse the confirm page itself to whoever may not take the action (raise the
        domain error: 403 or 404 through raise_as_http); nothing by default."""

    def get(self, request, *args, **kwargs):
        try:
            self.confirm_check()
        except ApplicationError as error:
            raise_as_http(error)
            raise
        return self.render_confirm(self.build_form())

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST, request.FILES)
        if request.POST.get(CONFIRM_FIELD) == "1":
            outcome = run_service(form, self.run)
            if outcome.ok:
                return self.succeeded(outcome.result)
            # Refused at the last step (someone else moved first): say why, where they are.
            return self.render_confirm(form, status=outcome.status)
        tried = self.dry_run(form)
        if tried.ok:
            return self.render_confirm(self.build_form(request.POST, request.FILES))
        return self.refused(form, tried)

    def dry_run(self, form) -> Outcome:
        """Run the service and undo it: would it succeed? A refusal lands on the form."""

        def tried(bound_form):
            result = None
            try:
                with transaction.atomic():
                    result = self.run(bound_form)
                    raise _DryRun
            except _DryRun:
                return result

        outcome = run_service(form, tried)
        # The service may have changed the loaded objects in memory (a status): read them again.
        self.load_objects()
        return outcome

    def render_confirm(self, form, *, status: int = 200):
        blockers = self.confirm_blockers()
        context = {
            "municipality": getattr(self, "municipality", None),  # none in the vendor portal
            "actor": getattr(self, "actor", None),
            "section": getattr(self, "section", ""),
            "form": form,
            "confirm": {
                "title": self.confirm_title,
                "consequences": [] if blockers else self.confirm_consequences(),
                "blockers": blockers,
                "button": self.confirm_button,
                "button_class": self.confirm_button_class,
                "field": CONFIRM_FIELD,
                "action": self.request.path,
                "back_url": self.confirm_back_url(),
                "back_label": self.confirm_back_label,
                "breadcrumbs": self.confirm_breadcrumbs(),
            },
        }
        return TemplateResponse(self.request, self.confirm_template_name, context, status=status)
