"""Public pages (no login): the home page, a municipality's published solicitations and one
solicitation, its documents."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import SimpleTemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views import View
from django.views.generic import TemplateView

from departments import views as department_views
from departments.models import Municipality
from departments.tenancy import tenant_actor_for
from departments.views import get_or_404
from p3hub.errors import NotFound
from procurements import selectors
from procurements.models import Solicitation
from procurements.views.base import (
    PAGE_SIZE,
    PUBLIC_STATUSES,
    FilteredListMixin,
    solicitation_facts,
)


class HomeView(department_views.HomeView):
    """The public home: published solicitations of every municipality, then the
    municipalities themselves."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(selectors.solicitations_public(), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return context


class PublicMunicipalityMixin:
    """Resolves the URL's municipality (names and slugs are public) and renders in its time
    zone, so every time on the page is local there."""

    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(Municipality, slug=kwargs["municipality_slug"])
        with timezone.override(self.municipality.zone):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)


class PublicSolicitationListView(PublicMunicipalityMixin, FilteredListMixin, TemplateView):
    template_name = "procurements/public_list.html"
    partial_template_name = "procurements/_public_results.html"

    def filter_statuses(self):
        return PUBLIC_STATUSES

    def filter_departments(self):
        return self.municipality.departments.order_by("code")

    def solicitations(self, **filters):
        return selectors.solicitations_public(municipality=self.municipality, **filters)


class PublicSolicitationDetailView(PublicMunicipalityMixin, TemplateView):
    template_name = "procurements/public_detail.html"

    def get_context_data(self, **kwargs):
        solicitation = get_or_404(
            selectors.solicitation_public_get, self.municipality, self.kwargs["reference"]
        )
        kwargs.update(solicitation_facts(solicitation))
        return super().get_context_data(**kwargs)


class DocumentDownloadView(View):
    """A published solicitation's documents are anyone's; before publication only members of
    the municipality may fetch them (404 for everyone else, as for a missing file). Files are
    streamed from storage, never linked from a public media URL."""

    def get(self, request, municipality_slug, reference, pk):
        municipality = get_object_or_404(Municipality, slug=municipality_slug)
        solicitation, public = self._solicitation(request, municipality, reference)
        document = get_or_404(selectors.document_get, solicitation, pk)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,  # never rendered in our origin, whatever it contains
            filename=document.file.name.rsplit("/", 1)[-1],
        )
        if not public:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _solicitation(self, request, municipality, reference) -> tuple[Solicitation, bool]:
        try:
            return selectors.solicitation_public_get(municipality, reference), True
        except NotFound:
            pass
        try:
            actor = tenant_actor_for(request.user, municipality.slug)
            return selectors.solicitation_get_for(actor, reference), False
        except NotFound:
            raise Http404("Not found.") from None
