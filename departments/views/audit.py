"""The audit trail of a municipality, and how an audit event's changes read."""

from django.core.paginator import Paginator
from django.views.generic import TemplateView

from departments import forms, selectors
from departments.views.base import TenantViewMixin, partial_response

AUDIT_PAGE_SIZE = 50


def _shown(value) -> str:
    """An audit value as a short string: lists joined, booleans in words, nothing as a dash."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        separator = "; " if any(isinstance(item, dict) for item in value) else ", "
        return separator.join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in sorted(value.items()))
    return str(value)


def audit_changes(event) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) for every field an event mentions; None where a side lacks it
    (a creation has no before, a revocation no after)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    names = dict.fromkeys([*before, *after])
    return [
        (
            name,
            _shown(before[name]) if name in before else None,
            _shown(after[name]) if name in after else None,
        )
        for name in names
    ]


class AuditTrailView(TenantViewMixin, TemplateView):
    """Every member may read their municipality's trail. The filter form answers htmx
    requests with the results region only, and plain GETs with the whole page."""

    template_name = "departments/audit_trail.html"
    partial_template_name = "departments/_audit_results.html"
    section = "audit"

    def get(self, request, *args, **kwargs):
        verbs, object_types = selectors.audit_vocabulary_for(self.actor)
        form = forms.AuditFilterForm(request.GET or None, verbs=verbs, object_types=object_types)
        context = {"form": form, "zone": self.actor.municipality.time_zone}
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
        for event in page:
            event.changes = audit_changes(event)
        return page
