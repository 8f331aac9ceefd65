"""The bases every app's HTML pages build on.

One base resolves what a page is about, once per request, and hands it to the handler:
`MunicipalityPage` the URL's municipality (public pages, through the same selector as the
public API), `TenantViewMixin` the acting member (`self.actor`) too; both render in the
municipality's time zone. One loop (`ServiceFormMixin.post`) runs every form: parse, call the
service, and on a refusal show the form again with its errors and what was typed: re-rendered
where the form's URL is its page, or, for a form that posts to an action URL of its own, kept in
the session and shown by the page it came from after a 303 (Post/Redirect/Get: the address bar
never stays on a URL that answers only POST, and reloading never re-posts). Domain errors
reach the browser through one path: `raise_as_http` turns NotFound and PermissionDenied into
Django's 404 and 403 pages, and the form's `apply_service_error` puts every other refusal on
the field it names.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.module_loading import import_string
from django.views.generic import TemplateView

from departments import selectors
from departments.tenancy import tenant_actor_for
from p3hub.errors import ApplicationError, NotFound, PermissionDenied, each_error

ADMINS_ONLY = "Only a tenant admin may manage departments and people."


def raise_as_http(error: ApplicationError) -> None:
    """The one place where a refusal that is not about the input becomes a 404 or a 403."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from None
    if isinstance(error, PermissionDenied):
        raise HttpForbidden(error.message) from None


def get_or_404(selector, *args):
    """Fetch through an actor-aware selector; missing and not-yours are the same 404."""
    try:
        return selector(*args)
    except NotFound as error:
        raise_as_http(error)


def render_in_zone(zone, render):
    """Run `render` in the municipality's time zone and render its template response there
    (a TemplateResponse would otherwise render after the zone is switched back)."""
    with timezone.override(zone):
        response = render()
        if isinstance(response, SimpleTemplateResponse):
            response.render()
    return response


def partial_response(view, context: dict, *, status: int = 200):
    """The page, or for an htmx request only its `partial_template_name` region; caches keep
    the two renderings apart."""
    request = view.request
    partial = request.htmx and not request.htmx.history_restore_request
    template = view.partial_template_name if partial else view.template_name
    response = view.response_class(
        request=request, template=template, context=view.get_context_data(**context), status=status
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


class MunicipalityPage:
    """A page about one municipality, named by the URL's slug: `self.municipality` is resolved
    once (404 for none) before any handler runs, and the page renders in its time zone."""

    def dispatch(self, request, *args, **kwargs):
        self.municipality = self.resolve_municipality(request, kwargs["municipality_slug"])
        self.load_objects()
        parent = super().dispatch
        return render_in_zone(self.municipality.zone, lambda: parent(request, *args, **kwargs))

    def resolve_municipality(self, request, slug):
        return get_or_404(selectors.municipality_public_get, slug)

    def load_objects(self) -> None:
        """Fetch the objects the URL names (none by default), before any handler."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)


class RefusedFormPage:
    """A signed-in page that shows a form refused at its action URL again (after the 303), in
    place of the blank one: the page's `self.actor` rebuilds the action view."""

    def get_context_data(self, **kwargs):
        kwargs.update(self.refused_form_context())
        return super().get_context_data(**kwargs)

    def refused_form_context(self) -> dict:
        if not hasattr(self, "_refused_form_context"):
            self._refused_form_context = (
                take_refused_form(self) if self.request.method == "GET" else {}
            )
        return self._refused_form_context


class TenantViewMixin(LoginRequiredMixin, RefusedFormPage, MunicipalityPage):
    """A staff page: `self.actor` is the member acting, resolved from the URL's slug; 404 for
    non-members, exactly as for a municipality that does not exist. Then `admin_only` pages
    answer 403 to members who are not tenant admins, and `load_objects` fetches the URL's
    objects through selectors, so every check runs before any handler."""

    admin_only = False
    section = ""  # which navigation link is the current page

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # to the sign-in page
        response = super().dispatch(request, *args, **kwargs)
        # Tenant data stays out of every cache, the shared office computer's browser included.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def resolve_municipality(self, request, slug):
        try:
            self.actor = tenant_actor_for(request.user, slug)
        except ApplicationError as error:
            raise_as_http(error)
        request.tenant_actor = self.actor
        if self.admin_only and not self.actor.is_admin:
            raise HttpForbidden(ADMINS_ONLY)
        return self.actor.municipality

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actor", self.actor)
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)

    def tenant_url(self, name: str, *args) -> str:
        return reverse(name, args=[self.municipality.slug, *args])


@dataclass(frozen=True)
class Outcome:
    """What running a form's service came to: its result, or the status of the refusal."""

    result: Any = None
    status: int = 200
    refusals: tuple[ApplicationError, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status < 400


def run_service(form, service) -> Outcome:
    """Parse `form`; if it parses, call `service(form)`. A refusal lands on the form (404 and
    403 are raised as such); the service is atomic, so a refused POST changed nothing."""
    if not form.is_valid():
        return Outcome(status=400)
    try:
        return Outcome(service(form))
    except ApplicationError as error:
        raise_as_http(error)
        refusals = tuple(each_error(error))
        for each in refusals:
            form.apply_service_error(each)
        return Outcome(status=error.status_code, refusals=refusals)


class ServiceFormMixin:
    """The one POST loop of the pages: build the form, run the service, then redirect with a
    message, or re-render the page with the form's errors at the refusal's status.

    Subclasses say how to build the form, what to call, what to say and where to go,
    `failure_context` where the bound form goes in the re-rendered page, and, for a form posted
    to an action URL, `refusal_page_url` the page that shows it again."""

    form_name = "form"

    def build_form(self, data=None, files=None):
        raise NotImplementedError

    def run(self, form):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def success_url(self, result) -> str:
        raise NotImplementedError

    def failure_context(self, form) -> dict:
        return {self.form_name: form}

    def refusal_page_url(self) -> str | None:
        """The page (its URL, with the section's #fragment) that shows this form again when
        the service refuses it; None re-renders at this URL, which is the form's own page."""
        return None

    def post(self, request, *args, **kwargs):
        form = self.build_form(request.POST, request.FILES)
        outcome = run_service(form, self.run)
        if outcome.ok:
            return self.succeeded(outcome.result)
        return self.refused(form, outcome)

    def refused(self, form, outcome: Outcome):
        """Show the refused form again: back on its page after a 303, or re-rendered here
        (at the refusal's status) when this URL is its page or htmx swaps the answer in."""
        page = self.refusal_page_url()
        if page is None or self.request.htmx:
            return self.render_to_response(
                self.get_context_data(**self.failure_context(form)), status=outcome.status
            )
        keep_refused_form(self.request, page=page, refusals=outcome.refusals)
        return HttpResponseRedirect(page, status=303)

    def succeeded(self, result):
        messages.success(self.request, self.success_message(result))
        return redirect(self.success_url(result))


class ServiceFormView(ServiceFormMixin, TenantViewMixin, TemplateView):
    """A page of one form whose input goes to one service (tenant admins by default)."""

    admin_only = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.form_name, self.build_form(initial=self.initial()))
        return super().get_context_data(**kwargs)

    def initial(self) -> dict:
        return {}

    def departments(self):
        return selectors.departments_for(self.actor)


REFUSED_FORM_KEY = "p3hub.refused_form"


def keep_refused_form(request, *, page: str, refusals) -> None:
    """Keep what a refused POST typed and the service's refusals for the page it returns to
    (one at a time: a newer refusal replaces an older one). Files are not kept: a browser
    never refills a file input either."""
    data = {name: request.POST.getlist(name) for name in request.POST}
    data.pop("csrfmiddlewaretoken", None)
    request.session[REFUSED_FORM_KEY] = {
        "page": page.split("#", 1)[0],
        "action": request.path,
        "data": data,
        "refusals": [
            {"message": each.message, "field": each.field, "code": each.code} for each in refusals
        ],
    }


def take_refused_form(page_view) -> dict:
    """The context that shows the refused form kept for this page (once), as the action view
    would have re-rendered it: the action view is set up again for the same acting member
    (its objects fetched through its selectors again), its form bound to what was typed,
    parsed again and given the service's refusals. Nothing when none is kept for this page or
    its objects are gone. The 303 is followed at once, so whatever page is shown next drops
    what was kept: it never turns up on a later visit."""
    kept = page_view.request.session.pop(REFUSED_FORM_KEY, None)
    if not kept or kept["page"] != page_view.request.path:
        return {}
    action = _action_view_for(page_view, kept["action"])
    if action is None:
        return {}
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    form = action.build_form(data)
    if form.is_valid():  # parse errors come back by parsing again; the service's are kept
        for refusal in kept["refusals"]:
            form.apply_service_error(ApplicationError(**refusal))
    return action.failure_context(form)


def _action_view_for(page_view, path: str):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ServiceFormMixin):
        return None
    action = view_class(**match.func.view_initkwargs)
    action.setup(page_view.request, *match.args, **match.kwargs)
    action.actor = page_view.actor
    if hasattr(page_view, "municipality"):  # the vendor portal's pages have none
        action.municipality = page_view.municipality
    try:
        action.load_objects()
    except Http404:
        return None
    return action


@dataclass(frozen=True)
class Panel:
    """A piece an app adds to another app's page (settings.PAGE_PANELS)."""

    template: str
    context: dict


def panels_for(page: str, view) -> list[Panel]:
    """The panels the apps registered for `page` ("home", "dashboard"), in order: each entry
    of settings.PAGE_PANELS[page] names a callable `panel(view) -> Panel | None`."""
    made = (import_string(path)(view) for path in settings.PAGE_PANELS.get(page, ()))
    return [panel for panel in made if panel is not None]
