"""The audit trail of a municipality, and how an audit event reads."""

import csv

from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.views.generic import TemplateView, View

from departments import forms, selectors
from departments.models import Department
from departments.views.audit_wording import SYSTEM, Reader, object_url, person_url, withheld
from departments.views.base import TenantViewMixin, partial_response
from p3hub.formatting import format_datetime, zone_name

AUDIT_PAGE_SIZE = 50


def department_names(municipality) -> dict[str, str]:
    """Department code -> name in the municipality: one query, for every sentence of a page."""
    if municipality is None:
        return {}
    return dict(Department.objects.filter(municipality=municipality).values_list("code", "name"))


def audit_changes(event, *, contacts: bool, reader: Reader | None = None) -> list:
    """(label, before, after) for every field the event changed (audit_wording.Reader)."""
    reader = reader or Reader(event.municipality, contacts=contacts, department_names={})
    return reader.changes(event)


def audit_rows(events, *, contacts: bool, municipality=None) -> None:
    """Ready events to be shown: `person` (by name; with `contacts`, `username` and a link to
    their page too), `sentence`, `object_shown`, `object_url` and `changes`, with e-mail
    addresses withheld without `contacts`. One query (department names) for all of them."""
    events = list(events)
    if municipality is None and events:
        municipality = events[0].municipality
    reader = Reader(
        municipality, contacts=contacts, department_names=department_names(municipality)
    )
    for event in events:
        ready_row(event, reader)


def ready_row(event, reader: Reader) -> None:
    contacts = reader.contacts
    if event.actor_id:
        event.person = withheld(event.actor.display_name, contacts=contacts)
        event.username = event.actor.username if contacts else ""
    else:
        event.person, event.username = event.actor_label or "system", ""
    actor = event.person if event.actor_id else SYSTEM
    event.person_url = person_url(event, contacts=contacts)
    event.sentence = reader.sentence(event, actor)
    event.object_shown = withheld(event.object_repr, contacts=contacts)
    event.object_url = object_url(event, contacts=contacts)
    event.changes = reader.changes(event)


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
        audit_rows(
            page,
            contacts=selectors.contacts_visible_to(self.actor),
            municipality=self.actor.municipality,
        )
        return page


CSV_HEADER = ["Number", "When", "Person", "Username", "What happened", "Event", "Object", "Changes"]
CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as formulas


def csv_safe(text: str) -> str:
    """A cell no spreadsheet runs as a formula (CSV injection): a leading quote disarms it."""
    return f"'{text}" if text.startswith(CSV_RISKY) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


class AuditTrailCSVView(TenantViewMixin, View):
    """The audit trail as CSV for auditors: the same filters (from the query string), selector
    and visibility as the page, every matching event, streamed, times in the municipality's
    zone and date format. A bad filter answers 400 naming it, as the page does."""

    CHUNK = 500

    def get(self, request, *args, **kwargs):
        verbs, object_types = selectors.audit_vocabulary_for(self.actor)
        form = forms.AuditFilterForm(request.GET or None, verbs=verbs, object_types=object_types)
        if form.is_bound and not form.is_valid():
            problems = [
                f"{form[name].label} ({name}): {' '.join(errors)}"
                for name, errors in form.errors.items()
            ]
            text = "Check the filter.\n" + "\n".join(problems) + "\n"
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        events = selectors.audit_events_for(
            self.actor, **(form.cleaned_data if form.is_bound else {})
        )
        response = StreamingHttpResponse(
            self.lines(events.iterator(chunk_size=self.CHUNK)), content_type="text/csv"
        )
        name = f"audit-trail-{self.actor.municipality.slug}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def lines(self, events):
        municipality = self.actor.municipality
        contacts = selectors.contacts_visible_to(self.actor)
        reader = Reader(
            municipality, contacts=contacts, department_names=department_names(municipality)
        )
        writer = csv.writer(_Echo())
        yield writer.writerow(CSV_HEADER)
        for event in events:
            ready_row(event, reader)
            yield writer.writerow([csv_safe(cell) for cell in self.cells(event, municipality)])

    @staticmethod
    def cells(event, municipality) -> list[str]:
        changes = "; ".join(
            f"{label}: {before or ''}{' → ' if before is not None and after is not None else ''}"
            f"{after or ''}"
            for label, before, after in event.changes
        )
        when = format_datetime(event.created_at, municipality, seconds=True, zone=True)
        return [
            str(event.seq),
            when,
            event.person,
            event.username,
            event.sentence,
            event.verb,
            event.object_shown,
            changes,
        ]
