"""Documents published with a solicitation (specifications, drawings, forms)."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.files import DOCUMENT_KINDS, check_upload, store_upload
from procurements.models import Document, Solicitation
from procurements.services.common import lock_solicitation, require_editable, require_officer


@transaction.atomic
def document_add(
    *, actor: TenantActor, solicitation: Solicitation, title: str, file: UploadedFile | None
) -> Document:
    """An officer attaches a document; it is public once the solicitation is. Only the kinds
    of p3hub.files.DOCUMENT_KINDS, told by their content, up to settings.UPLOAD_MAX_BYTES;
    stored under a random name, served under the uploader's name cleaned."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    title = clean_text(title, field="title", limit=200, required=True)
    upload = check_upload(
        file, field="file", allowed=DOCUMENT_KINDS, max_bytes=settings.UPLOAD_MAX_BYTES
    )
    document = store_upload(
        Document(), upload, solicitation=solicitation, title=title, uploaded_by=actor.user
    )
    actor.audit(
        Verb.DOCUMENT_ADD,
        solicitation,
        after={"title": title, "file_name": document.file_name, "sha256": document.sha256},
    )
    return document
