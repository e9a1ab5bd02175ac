"""Every request approved, expired or revoked before licences existed gets its licence: approved in full, with
the request's conditions and validity, in the matching status; the request itself is simply approved."""
import hashlib
import json
import secrets
import uuid
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations
from django.db.models import F
from django.utils import timezone

GENESIS_HASH = "0" * 64
LICENCE_STATUS = {"approved": "active", "expired": "expired", "revoked": "revoked"}


def _digest(public_id, seq, action, from_status, to_status, actor_id, actor_role, at, comment, payload, prev_hash):
    """approvals.audit.event_digest for a licence chain, as it stands when this migration was written."""
    canonical = json.dumps(
        {"licence": str(public_id), "seq": seq, "action": action, "from": from_status, "to": to_status,
         "actor": actor_id, "role": actor_role, "at": at.isoformat(timespec="microseconds"), "comment": comment,
         "payload": payload, "prev": prev_hash},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def issue_licences(apps, schema_editor):
    ImportRequest = apps.get_model("approvals", "ImportRequest")
    RequestLine = apps.get_model("approvals", "RequestLine")
    ReviewEvent = apps.get_model("approvals", "ReviewEvent")
    Licence = apps.get_model("approvals", "Licence")
    LicenceLine = apps.get_model("approvals", "LicenceLine")
    LicenceEvent = apps.get_model("approvals", "LicenceEvent")
    today = timezone.localdate()
    for import_request in ImportRequest.objects.filter(status__in=LICENCE_STATUS).order_by("pk"):
        lines = list(RequestLine.objects.filter(import_request=import_request))
        RequestLine.objects.filter(import_request=import_request, approved_quantity__isnull=True).update(
            approved_quantity=F("quantity")
        )
        approval = ReviewEvent.objects.filter(import_request=import_request, action="approve").order_by("-seq").first()
        issued_at = import_request.decided_at or timezone.now()
        valid_from = timezone.localdate(issued_at)
        valid_until = import_request.valid_until or valid_from + relativedelta(months=12)
        status = LICENCE_STATUS[import_request.status]
        if status == "active" and valid_until < today:
            status = "expired"
        licence = Licence.objects.create(
            public_id=uuid.uuid4(), import_request=import_request, holder_id=import_request.company_id, status=status,
            conditions=import_request.conditions, valid_from=valid_from, valid_until=valid_until,
            verification_code=secrets.token_urlsafe(24), total_units=import_request.total_units,
            total_tpp=import_request.total_tpp, issued_by_id=approval.actor_id if approval else None,
            issued_at=issued_at,
        )
        licence.number = f"CGL-{valid_from.year}-{licence.pk:06d}"
        by_chip = defaultdict(int)
        for line in lines:
            by_chip[line.chip_id] += line.quantity
        LicenceLine.objects.bulk_create(
            LicenceLine(licence=licence, chip_id=chip_id, approved=units) for chip_id, units in by_chip.items()
        )
        at = issued_at
        payload = {"request": import_request.reference, "number": licence.number, "issued_for_a_past_approval": True}
        actor_id, actor_role = (approval.actor_id, approval.actor_role) if approval else (None, "system")
        digest = _digest(licence.public_id, 1, "issue", "", status, actor_id, actor_role, at,
                         import_request.conditions, payload, GENESIS_HASH)
        LicenceEvent.objects.create(
            licence=licence, seq=1, action="issue", from_status="", to_status=status, actor_id=actor_id,
            actor_role=actor_role, at=at, comment=import_request.conditions, payload=payload,
            prev_hash=GENESIS_HASH, hash=digest,
        )
        licence.last_event_seq, licence.last_event_hash = 1, digest
        licence.save(update_fields=["number", "last_event_seq", "last_event_hash"])
    # The request's own state machine ends at approved: validity is the licence's.
    ImportRequest.objects.filter(status__in=("expired", "revoked")).update(status="approved")


class Migration(migrations.Migration):
    dependencies = [("approvals", "0008_licences")]

    operations = [migrations.RunPython(issue_licences, migrations.RunPython.noop)]
