"""REST API of joint solicitations and their cost splits (issue 4, DESIGN.md 3-6 and 10).

Tenant endpoints live under /api/v1/<municipality-slug>/ and follow departments.api.base: 401 for
the anonymous, one 404 for non-members (other cities' staff and vendors), then 403 from the role
checks in `common`, then the solicitation fetched through its selector (another city's reference
is the same 404 as a missing one). Each action parses types with an input serializer, calls one
service or selector, and renders with an output serializer; the services check roles, states and
sums and own every message, so these checks are a first layer, not the only one. The tenant base
is departments.api.base: the municipality's time zone is active for the whole request, so a date
and time without an offset is local time, and dates come back in local time with their offset.

Public endpoints under /api/v1/public/ need no login and show published solicitations only.

One module per resource (`solicitations`, `line_items`, `criteria`, `participations`,
`cost_splits` with the approval inbox, `public`); `common` holds the mixins and permissions
they share and `examples` the OpenAPI parameters, error responses and example payloads.
"""

from procurements.api.cost_splits import ApprovalViewSet, SplitVersionViewSet
from procurements.api.criteria import CriterionViewSet
from procurements.api.line_items import LineItemViewSet
from procurements.api.participations import ParticipationViewSet
from procurements.api.public import PublicSolicitationViewSet
from procurements.api.solicitations import SolicitationViewSet

__all__ = [
    "ApprovalViewSet",
    "CriterionViewSet",
    "LineItemViewSet",
    "ParticipationViewSet",
    "PublicSolicitationViewSet",
    "SolicitationViewSet",
    "SplitVersionViewSet",
]
