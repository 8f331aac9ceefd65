"""Documents published with a solicitation (specifications, drawings, forms)."""

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.errors import ValidationFailed
from procurements.models import Document, Solicitation
from procurements.services.common import lock_solicitation, require_editable, require_officer

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


@transaction.atomic
def document_add(
    *, actor: TenantActor, solicitation: Solicitation, title: str, file: UploadedFile | None
) -> Document:
    """An officer attaches a document; it is public once the solicitation is."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    title = clean_text(title, field="title", limit=200, required=True)
    if file is None or file.size == 0:
        raise ValidationFailed("Choose a file.", field="file")
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed("Files are limited to 25 MB.", field="file")
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document = Document(
        solicitation=solicitation,
        title=title,
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    actor.audit(Verb.DOCUMENT_ADD, solicitation, after={"title": title, "sha256": document.sha256})
    return document
