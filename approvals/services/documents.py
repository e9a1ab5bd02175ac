"""Documents: files of a draft, an answer, a shipment or an end-use report, checked by content and size, stored
under random names."""
import hashlib

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from approvals import audit
from approvals.errors import WorkflowError, invalid
from approvals.models import Document, DocumentKind, ImportRequest
from approvals.policy import FILING_LIMITS
from approvals.services.common import lock_import_request, reconnecting, require_filer
from approvals.states import Role, Status
from approvals.validators import sniff_document_type


def document_store(*, import_request, actor, uploaded_file, **links) -> Document:
    """Check an uploaded file (a PDF, PNG or JPEG, by its content; the size limit) and store it under a random
    name, linked to the request and to what ``links`` name (an answer, a shipment, an end-use report). The
    caller holds the lock it needs and writes the audit event."""
    name = (getattr(uploaded_file, "name", "") or "document").rsplit("/", 1)[-1][:255]
    limit = FILING_LIMITS.max_document_bytes
    if uploaded_file.size > limit:
        raise invalid({"file": [
            gettext("'%(name)s' is %(size).1f MB; the limit is %(limit).0f MB.") % {
                "name": name, "size": uploaded_file.size / 2**20, "limit": limit / 2**20}
        ]})
    uploaded_file.seek(0)
    content_type = sniff_document_type(uploaded_file.read(16))
    if content_type is None:
        raise invalid({"file": [
            gettext("'%(name)s' is not a PDF, PNG or JPEG file (checked by its content).") % {"name": name}]})
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    document = Document(
        import_request=import_request, original_name=name, content_type=content_type, size=uploaded_file.size,
        sha256=digest.hexdigest(), uploaded_by=actor, **links,
    )
    document.file.save("upload", uploaded_file, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file: a refused or failed save leaves nothing behind
        raise
    return document


@reconnecting
@transaction.atomic
def document_attach(
    *, import_request_id: int, actor, uploaded_file, information_request_id: int | None = None,
    kind: str = DocumentKind.OTHER,
) -> Document:
    """Add a document of a kind (a purchase contract, an end-user statement, other) to a draft, or with an
    answer to a request for information."""
    if kind not in DocumentKind.values:
        raise invalid({"kind": [gettext("Choose the type of document: %(kinds)s.") % {
            "kinds": ", ".join(DocumentKind.values)}]})
    import_request = lock_import_request(import_request_id)
    require_filer(actor, import_request.company_id)
    if import_request.status not in (Status.DRAFT, Status.INFORMATION_REQUESTED):
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            gettext("Documents can be added to a draft, or with an answer to a request for information."),
        )
    document = document_store(import_request=import_request, actor=actor, uploaded_file=uploaded_file,
                              information_request_id=information_request_id, kind=kind)
    name = document.original_name
    ImportRequest.objects.filter(pk=import_request.pk).update(version=F("version") + 1, updated_at=timezone.now())
    audit.event_append(
        import_request=import_request, action="attach_document", from_status=import_request.status,
        to_status=import_request.status, actor=actor, actor_role=Role.APPLICANT,
        payload={"document": document.pk, "name": name, "kind": kind, "sha256": document.sha256,
                 "size": document.size},
    )
    return document


@reconnecting
@transaction.atomic
def document_remove(*, import_request_id: int, actor, document_id: int) -> str:
    """Take a document off a draft (a wrong file, a superseded contract): the row and the file go, the audit
    trail keeps its name and checksum. Once submitted, what was filed stays. Returns the file's name."""
    import_request = lock_import_request(import_request_id)
    require_filer(actor, import_request.company_id)
    if import_request.status != Status.DRAFT:
        raise WorkflowError(
            WorkflowError.NOT_ALLOWED_IN_STATE,
            gettext("Only a draft's documents can be removed: what was submitted stays on file."),
        )
    document = import_request.documents.filter(pk=document_id).first()
    if document is None:
        raise WorkflowError(WorkflowError.NOT_FOUND, gettext("There is no such document on this draft."))
    name, payload = document.original_name, {
        "document": document.pk, "name": document.original_name, "kind": document.kind,
        "sha256": document.sha256, "size": document.size,
    }
    stored = document.file.name
    document.delete()
    ImportRequest.objects.filter(pk=import_request.pk).update(version=F("version") + 1, updated_at=timezone.now())
    audit.event_append(
        import_request=import_request, action="remove_document", from_status=import_request.status,
        to_status=import_request.status, actor=actor, actor_role=Role.APPLICANT, payload=payload,
    )
    # The file goes only once the removal is committed: a rolled-back removal still has its file.
    storage = Document._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))
    return name
