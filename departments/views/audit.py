"""The audit trail of a municipality, and how an audit event reads."""

import re

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from departments import forms, selectors
from departments.views.base import TenantViewMixin, partial_response
from p3hub.formatting import zone_name
from p3hub.money import format_money

AUDIT_PAGE_SIZE = 50


MINOR = "_minor"  # the audit records amounts as stored, in minor units
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
WITHHELD = "(e-mail withheld)"


def _for(text: str, *, contacts: bool) -> str:
    """`text` as shown: without `contacts`, every e-mail address in it is withheld."""
    return text if contacts else EMAIL.sub(WITHHELD, text)


def _shown(value, currency: str | None = None) -> str:
    """An audit value as a short string: lists joined, booleans in words, nothing as a dash,
    and with `currency` an amount in minor units as money."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if currency and isinstance(value, int):
        return format_money(value, currency)
    if isinstance(value, list):
        separator = "; " if any(isinstance(item, dict) for item in value) else ", "
        return separator.join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in sorted(value.items()))
    return str(value)


def audit_changes(event, *, contacts: bool) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) for every field an event mentions; None where a side lacks it
    (a creation has no before, a revocation no after). Amounts recorded in minor units
    (`estimated_unit_price_minor`) read as money (`estimated_unit_price: USD 2,500.00`).
    Without `contacts` (selectors.contacts_visible_to), e-mail addresses are withheld."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    currency = event.municipality.currency if event.municipality_id else None
    names = dict.fromkeys([*before, *after])

    def shown(side: dict, name: str) -> str | None:
        if name not in side:
            return None
        return _for(
            _shown(side[name], currency if name.endswith(MINOR) else None), contacts=contacts
        )

    return [(name.removesuffix(MINOR), shown(before, name), shown(after, name)) for name in names]


def audit_rows(events, *, contacts: bool) -> None:
    """Ready events to be shown: `person` (by name; with `contacts`, `username` too),
    `object_shown` and `changes`, with e-mail addresses withheld without `contacts`."""
    for event in events:
        if event.actor_id:
            event.person = _for(event.actor.display_name, contacts=contacts)
            event.username = event.actor.username if contacts else ""
        else:
            event.person, event.username = event.actor_label or "system", ""
        event.object_shown = _for(event.object_repr, contacts=contacts)
        event.changes = audit_changes(event, contacts=contacts)


class AuditTrailView(TenantViewMixin, TemplateView):
    """Every member may read their municipality's trail. The filter form answers htmx
    requests with the results region only, and plain GETs with the whole page."""

    template_name = "departments/audit_trail.html"
    partial_template_name = "departments/_audit_results.html"
    section = "audit"

    def get(self, request, *args, **kwargs):
        verbs, object_types = selectors.audit_vocabulary_for(self.actor)
        form = forms.AuditFilterForm(request.GET or None, verbs=verbs, object_types=object_types)
        context = {"form": form, "zone": zone_name(self.actor.municipality.time_zone)}
        status = 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            context["page"] = self._page(form.cleaned_data if form.is_bound else {})
        if not (request.htmx and not request.htmx.history_restore_request):
            context["chain"] = selectors.audit_chain_status_for(self.actor)
        return partial_response(self, context, status=status)

    def _page(self, filters: dict):
        events = selectors.audit_events_for(self.actor, **filters)
        page = Paginator(events, AUDIT_PAGE_SIZE).get_page(self.request.GET.get("page"))
        audit_rows(page, contacts=selectors.contacts_visible_to(self.actor))
        return page
