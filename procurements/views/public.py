"""Public pages (no login): a municipality's published solicitations and one solicitation,
its documents. The home page's list is a panel (procurements.panels)."""

from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from departments.tenancy import tenant_actor_for
from departments.views.base import MunicipalityPage, get_or_404
from p3hub.errors import NotFound
from p3hub.files import download_response
from procurements import selectors
from procurements.models import Solicitation
from procurements.views.base import PUBLIC_STATUSES, FilteredListMixin, solicitation_facts


class PublicSolicitationListView(MunicipalityPage, FilteredListMixin, TemplateView):
    template_name = "procurements/public_list.html"
    partial_template_name = "procurements/_public_results.html"

    def filter_statuses(self):
        return PUBLIC_STATUSES

    def filter_departments(self):
        return self.municipality.departments.order_by("code")

    def filter_sorts(self):
        return selectors.PUBLIC_SORTS

    def solicitations(self, *, sort: str = "", **filters):
        return selectors.solicitations_public(
            municipality=self.municipality, sort=sort or "deadline", **filters
        )


class PublicSolicitationDetailView(MunicipalityPage, TemplateView):
    template_name = "procurements/public_detail.html"

    def load_objects(self):
        self.solicitation = get_or_404(
            selectors.solicitation_public_get, self.municipality, self.kwargs["reference"]
        )

    def get_context_data(self, **kwargs):
        kwargs.update(solicitation_facts(self.solicitation))
        kwargs["questions"] = list(selectors.answered_questions(self.solicitation))
        kwargs["addenda"] = list(selectors.addenda_of(self.solicitation))
        return super().get_context_data(**kwargs)


class DocumentDownloadView(MunicipalityPage, View):
    """A published solicitation's documents are anyone's; before publication only members of
    the municipality may fetch them (404 for everyone else, as for a missing file). Files are
    streamed from storage, never linked from a public media URL."""

    def get(self, request, municipality_slug, reference, pk):
        solicitation, public = self._solicitation(request, reference)
        document = get_or_404(selectors.document_get, solicitation, pk)
        response = download_response(
            document.file.open("rb"),
            file_name=document.file_name,
            content_type=document.content_type,
            private=not public,  # a published document may be cached like the page
        )
        return response

    def _solicitation(self, request, reference) -> tuple[Solicitation, bool]:
        try:
            return selectors.solicitation_public_get(self.municipality, reference), True
        except NotFound:
            pass
        try:
            actor = tenant_actor_for(request.user, self.municipality.slug)
            return selectors.solicitation_get_for(actor, reference), False
        except NotFound:
            raise Http404("Not found.") from None
