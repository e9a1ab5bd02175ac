"""Input and output shapes of the REST API v1; they translate JSON to service arguments and back, no rules."""
import json
from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.parsers import unstorable_strings
from approvals.models import DocumentKind, EndUseReport, ImportRequest, PurposeCategory, Recommendation
from approvals.policy import FILING_LIMITS
from approvals.roles import sees_all_requests
from approvals.screening import capability_metrics
from approvals.selectors import available_actions
from approvals.services import DRAFT_FIELDS, REJECTION_REASONS, licence_available_actions
from approvals.states import ACTIONS, LICENCE_TRANSITIONS, TRANSITIONS, LicenceStatus, Role, Status, Tier

# Fields of a request that an answer shows but no client writes.
READ_ONLY_FIELDS = frozenset({
    "id", "reference", "status", "version", "company", "created_at", "updated_at", "submitted_at", "decided_at",
    "tier", "risk_score", "flags", "total_units", "total_tpp", "sla_due", "valid_until", "conditions",
    "assessment", "available_actions", "documents", "open_information_request",
})
USER_ACTIONS = tuple(dict.fromkeys(move.action for move in TRANSITIONS if move.role != Role.SYSTEM))
LICENCE_USER_ACTIONS = tuple(dict.fromkeys(
    move.action for move in LICENCE_TRANSITIONS if move.role != Role.SYSTEM
))


# Input -------------------------------------------------------------------------------------------

class LineInputSerializer(serializers.Serializer):
    """The shape of one line, for the schema: the drafts service checks what a line may hold."""

    chip = serializers.SlugField(max_length=64, help_text="Slug of a chip in the catalog (GET /api/v1/chips/).")
    quantity = serializers.IntegerField(min_value=1, max_value=FILING_LIMITS.max_line_quantity)
    unit_price_usd = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"),
        max_value=FILING_LIMITS.max_unit_price_usd, help_text="Unit price in USD.",
    )


@extend_schema_field(serializers.ListField(child=LineInputSerializer(), max_length=FILING_LIMITS.max_lines))
class LinesField(serializers.Field):
    """The lines as sent, handed to the drafts service, which names what is wrong as ``lines.<n>.<field>``."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class DraftInputSerializer(serializers.ModelSerializer):
    """The declaration of a draft; field constraints come from the model, completeness is checked at submit.

    A field it does not know, or one the caller cannot set (status, version, ...), is refused by name rather
    than ignored: a client that believes it changed something must hear that it did not.
    """

    lines = LinesField(required=False, help_text="Replaces all lines when given.")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            extra = sorted(set(data) - set(self.fields))
            if extra:
                raise serializers.ValidationError({
                    name: ["This field cannot be set here." if name in READ_ONLY_FIELDS else "Unknown field."]
                    for name in extra
                })
        return super().to_internal_value(data)

    class Meta:
        model = ImportRequest
        fields = [*DRAFT_FIELDS, "lines"]


class InRangeDateTimeField(serializers.DateTimeField):
    """DRF lets a naive datetime that leaves the calendar in UTC (year 1 east of Greenwich) escape as a 500."""

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")


class RequestFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False)
    updated_after = InRangeDateTimeField(required=False)


class ApprovedLineInputSerializer(serializers.Serializer):
    """The shape of one approved line, for the schema: the approval checks the lines and quantities."""

    line = serializers.IntegerField(help_text="A line of the request (its lines[].id).")
    quantity = serializers.IntegerField(min_value=0, help_text="At most the line's quantity; 0 leaves it out.")


@extend_schema_field(serializers.ListField(child=ApprovedLineInputSerializer()))
class ApprovedLinesField(serializers.Field):
    """The approved lines as sent, handed to the approval, which names what is wrong under ``approved_lines``."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class TransitionInputSerializer(serializers.Serializer):
    """One flat body for every action; each action reads only the fields named in its help text."""

    action = serializers.ChoiceField(choices=USER_ACTIONS)
    question = serializers.CharField(required=False, allow_blank=True, help_text="request_information: required.")
    due_date = serializers.DateField(
        required=False, allow_null=True, help_text="request_information: optional answer due date (YYYY-MM-DD)."
    )
    answer = serializers.CharField(required=False, allow_blank=True, help_text="respond: required.")
    conditions = serializers.CharField(required=False, allow_blank=True, help_text="approve: optional.")
    approved_lines = ApprovedLinesField(
        required=False,
        help_text="approve: optional, `[{\"line\": <lines[].id>, \"quantity\": <n>}]`; lines not named are "
                  "approved in full, 0 leaves a line out.",
    )
    reason_codes = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text=f"reject: one or more of {', '.join(REJECTION_REASONS)}.",
    )
    reason = serializers.CharField(required=False, allow_blank=True, help_text="reject: required.")
    recommendation = serializers.ChoiceField(
        choices=Recommendation.choices, required=False, help_text="escalate: required."
    )
    rationale = serializers.CharField(required=False, allow_blank=True, help_text="escalate: required.")
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="return: required; withdraw: optional."
    )


class TokenInputSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False, allow_blank=True, max_length=32,
        help_text="Staff accounts, when staff 2FA is on: the 6-digit code from the authenticator app, or an unused "
                  "backup code (used up). Applicants leave it out.",
    )


class LicenceFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=LicenceStatus.choices, required=False)


class LicenceTransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=LICENCE_USER_ACTIONS,
        help_text="Senior reviewers: suspend, reinstate (not the one who suspended), revoke; the holder's "
                  "administrator: surrender.",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True,
        help_text="suspend, revoke: required (the holder is told it); reinstate, surrender: optional.",
    )


class ShipmentLineInputSerializer(serializers.Serializer):
    """The shape of one shipment line, for the schema: the shipments service checks what a line may hold."""

    chip = serializers.SlugField(max_length=64, help_text="Slug of a chip of the licence (its lines[].chip).")
    quantity = serializers.IntegerField(min_value=1, max_value=FILING_LIMITS.max_line_quantity)


@extend_schema_field(serializers.ListField(child=ShipmentLineInputSerializer(), min_length=1))
class ShipmentLinesField(serializers.Field):
    """The lines as sent, handed to the shipments service, which names what is wrong as ``lines.<n>.<field>``.

    A multipart body cannot nest, so there the lines come as JSON text in one form field."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise serializers.ValidationError(
                    'Give the lines as a list of {"chip", "quantity"} (JSON text in a multipart body).'
                ) from exc
            problems = unstorable_strings(data)
            if problems:
                raise serializers.ValidationError(next(iter(problems.values())))
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(serializers.CharField())
class ShipmentLinesTextField(ShipmentLinesField):
    """The lines of a multipart body: JSON text in one form field."""


class ShipmentInputSerializer(serializers.Serializer):
    shipped_on = serializers.DateField(help_text="The day the chips shipped (YYYY-MM-DD), today or earlier.")
    reference = serializers.CharField(max_length=128, help_text="The invoice or bill-of-lading number.")
    lines = ShipmentLinesField(help_text="Chips of the licence and how many of each shipped; one line per chip.")


class ShipmentUploadInputSerializer(ShipmentInputSerializer):
    """A shipment as a multipart body, with the document."""

    lines = ShipmentLinesTextField(help_text='The lines as JSON text: [{"chip": "nvidia-h200", "quantity": 5}].')
    document = serializers.FileField(required=False, help_text="The invoice or bill of lading (PDF, PNG or JPEG).")


class EndUseReportInputSerializer(serializers.Serializer):
    shipment = serializers.UUIDField(help_text="The shipment the report is about (its id).")
    installed_units = serializers.IntegerField(
        min_value=0, help_text="Units of the shipment installed so far (no more than it carried).",
    )
    site = serializers.CharField(max_length=255, help_text="Where the chips are installed.")
    use = serializers.CharField(max_length=FILING_LIMITS.max_text_length, help_text="What the chips are used for.")


class EndUseReportUploadInputSerializer(EndUseReportInputSerializer):
    """An end-use report as a multipart body, with the document."""

    document = serializers.FileField(required=False, help_text="A photo or statement (PDF, PNG or JPEG).")


# Output ------------------------------------------------------------------------------------------

class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: not_allowed_in_state, forbidden, not_found, ...")
    detail = serializers.CharField(help_text="A sentence for a person.")


class ValidationErrorSerializer(ErrorSerializer):
    """Besides code and detail, one entry per field: ``{"field": ["message"]}`` (lines as ``lines.0.quantity``)."""


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ACTIONS)))
class AvailableActionsField(serializers.Field):
    """What the caller may do now; read from the serializer context's user."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, import_request):
        return available_actions(import_request=import_request, user=self.context["user"])


REGULATOR_ONLY = "Regulator staff only: absent from a company's answers."


class RegulatorOnlyFieldsMixin:
    """Leaves out, for a company's members, the fields only the regulator reads (scores, tier, flags, SLA,
    the scoring rubric): the keys are absent from their answers, not blank. The schema lists them as optional."""

    regulator_only: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        user = self.context.get("user")
        if user is not None and not sees_all_requests(user):
            for name in self.regulator_only:
                fields.pop(name, None)
        return fields


class RequestStatusSerializer(RegulatorOnlyFieldsMixin, serializers.Serializer):
    regulator_only = ("tier", "risk_score")

    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    version = serializers.IntegerField()
    updated_at = serializers.DateTimeField()
    tier = serializers.ChoiceField(choices=Tier.choices, allow_blank=True, required=False, help_text=REGULATOR_ONLY)
    risk_score = serializers.IntegerField(allow_null=True, required=False, help_text=REGULATOR_ONLY)
    available_actions = AvailableActionsField()


_TIMESTAMP = serializers.DateTimeField()


def status_representation(import_request, *, user) -> dict:
    """The status body of RequestStatusSerializer, built directly: polling is the hot path, and a
    serializer instance deep-copies its fields on every call."""
    body = {
        "id": str(import_request.public_id),
        "reference": import_request.reference,
        "status": import_request.status,
        "version": import_request.version,
        "updated_at": _TIMESTAMP.to_representation(import_request.updated_at),
        "available_actions": available_actions(import_request=import_request, user=user),
    }
    if sees_all_requests(user):
        body["tier"], body["risk_score"] = import_request.tier, import_request.risk_score
    return body


class RequestListItemSerializer(RequestStatusSerializer):
    company = serializers.CharField(source="company.legal_name")
    purpose_category = serializers.ChoiceField(choices=PurposeCategory.choices)
    total_units = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class LineOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Names the line in an approval's approved_lines.")
    chip = serializers.CharField(source="chip.slug")
    chip_name = serializers.CharField(source="chip.__str__")
    quantity = serializers.IntegerField()
    unit_price_usd = serializers.DecimalField(max_digits=12, decimal_places=2)
    approved_quantity = serializers.IntegerField(
        allow_null=True, help_text="What the approval allows of this line (0: left out); null until approved.",
    )


class FactorSerializer(serializers.Serializer):
    code = serializers.CharField()
    contribution = serializers.IntegerField()
    sentence = serializers.CharField()


class MetricsField(serializers.DictField):
    """All metrics for the regulator; a company sees those that describe its order (``CAPABILITY_METRICS``)."""

    def to_representation(self, value):
        user = self.context.get("user")
        return super().to_representation(value if user is None or sees_all_requests(user)
                                          else capability_metrics(value))


class AssessmentSerializer(RegulatorOnlyFieldsMixin, serializers.Serializer):
    regulator_only = ("risk_score", "tier", "flags", "policy_version", "factors")

    risk_score = serializers.IntegerField(required=False, help_text=REGULATOR_ONLY)
    tier = serializers.ChoiceField(choices=Tier.choices, required=False, help_text=REGULATOR_ONLY)
    flags = serializers.ListField(child=serializers.CharField(), required=False, help_text=REGULATOR_ONLY)
    policy_version = serializers.CharField(required=False, help_text=REGULATOR_ONLY)
    metrics = MetricsField(help_text="Order metrics: total TPP, H100 equivalents, FLOP reach, ...")
    factors = FactorSerializer(many=True, required=False, help_text=REGULATOR_ONLY)
    created_at = serializers.DateTimeField()


class InformationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    due_date = serializers.DateField()


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


@extend_schema_field(InformationRequestSerializer(allow_null=True))
class OpenInformationRequestField(serializers.Field):
    """The unanswered question, from the prefetched information requests (no extra query)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, import_request):
        unanswered = [info for info in import_request.information_requests.all() if info.answered_at is None]
        if not unanswered:
            return None
        return InformationRequestSerializer(max(unanswered, key=lambda info: (info.asked_at, info.id))).data


class RequestDetailSerializer(RequestListItemSerializer):
    regulator_only = ("tier", "risk_score", "flags", "sla_due")

    purpose_statement = serializers.CharField()
    end_user = serializers.CharField()
    deployment_site = serializers.CharField()
    attest_no_reexport = serializers.BooleanField()
    attest_no_military_end_use = serializers.BooleanField()
    training_parameters = serializers.IntegerField(allow_null=True)
    training_tokens = serializers.IntegerField(allow_null=True)
    training_days = serializers.IntegerField(allow_null=True)
    total_tpp = serializers.FloatField()
    flags = serializers.ListField(child=serializers.CharField(), source="flag_list", required=False,
                                  help_text=REGULATOR_ONLY)
    sla_due = serializers.DateField(allow_null=True, required=False, help_text=REGULATOR_ONLY)
    licence = serializers.UUIDField(source="licence.public_id", allow_null=True, default=None,
                                    help_text="The id of the licence the approval issued (null until approved).")
    valid_until = serializers.DateField(source="licence.valid_until", allow_null=True, default=None,
                                        help_text="The licence's validity (null until approved).")
    conditions = serializers.SerializerMethodField(help_text="The licence's conditions (empty until approved).")
    lines = LineOutputSerializer(many=True)
    assessment = AssessmentSerializer(source="current_assessment", allow_null=True)
    open_information_request = OpenInformationRequestField()
    documents = DocumentSerializer(many=True)

    @extend_schema_field(serializers.CharField())
    def get_conditions(self, import_request) -> str:
        licence = getattr(import_request, "licence", None)
        return licence.conditions if licence else ""


class EventSerializer(serializers.Serializer):
    """A ``selectors.TimelineEntry``: a company reads its own actions, what was said to it and each status change,
    with the regulator's staff named by role only; the regulator reads everything."""

    seq = serializers.IntegerField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.CharField(
        allow_null=True, help_text="Username; null for the system and, in a company's answers, for the regulator.",
    )
    actor_role = serializers.CharField()
    at = serializers.DateTimeField()
    comment = serializers.CharField()


# Licences ----------------------------------------------------------------------------------------

@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=LICENCE_USER_ACTIONS)))
class LicenceAvailableActionsField(serializers.Field):
    """What the caller may do to the licence now; read from the serializer context's user."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, licence):
        return licence_available_actions(licence=licence, user=self.context["user"])


class LicenceLineSerializer(serializers.Serializer):
    chip = serializers.CharField(source="chip.slug")
    chip_name = serializers.CharField(source="chip.__str__")
    approved = serializers.IntegerField()
    shipped = serializers.IntegerField()
    remaining = serializers.IntegerField()


class LicenceSerializer(RegulatorOnlyFieldsMixin, serializers.Serializer):
    """A licence; its links are absolute, on the host that answered."""

    regulator_only = ("flags",)

    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField(help_text="CGL-<year>-<number>, as printed on the certificate.")
    request = serializers.UUIDField(source="import_request.public_id", help_text="The approved request's id.")
    holder = serializers.CharField(source="holder.legal_name", help_text="The company that holds the licence.")
    status = serializers.ChoiceField(choices=LicenceStatus.choices)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(help_text="Nothing ships under the licence after this day.")
    conditions = serializers.CharField()
    lines = LicenceLineSerializer(many=True, help_text="One line per chip.")
    verification_url = serializers.SerializerMethodField(
        help_text="The public page a seller or customs officer checks the licence on.",
    )
    certificate_url = serializers.SerializerMethodField(help_text="The certificate (PDF).")
    version = serializers.IntegerField(help_text="Goes up with every change to the licence.")
    available_actions = LicenceAvailableActionsField()
    flags = serializers.ListField(child=serializers.CharField(), source="flag_list", required=False,
                                  help_text=REGULATOR_ONLY)

    def get_verification_url(self, licence) -> str:
        return self.context["request"].build_absolute_uri(reverse("portal:verify", args=[licence.verification_code]))

    def get_certificate_url(self, licence) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api-licence-certificate", kwargs={"public_id": licence.public_id}))


class ShipmentLineSerializer(serializers.Serializer):
    chip = serializers.CharField(source="chip.slug")
    quantity = serializers.IntegerField()


class EndUseReportDueSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", help_text="The end-use report the shipment opened.")
    due_on = serializers.DateField()


class ShipmentSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    shipped_on = serializers.DateField()
    reference = serializers.CharField()
    lines = ShipmentLineSerializer(many=True)
    end_use_report = EndUseReportDueSerializer()
    documents = DocumentSerializer(many=True)


class ShipmentCreatedSerializer(ShipmentSerializer):
    """The shipment recorded, and the licence as it stands after it (what remains; exhausted by the last unit)."""

    licence = LicenceSerializer()


class EndUseReportSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    shipment = serializers.UUIDField(source="shipment.public_id")
    state = serializers.ChoiceField(choices=EndUseReport.State.choices)
    due_on = serializers.DateField()
    installed_units = serializers.IntegerField(allow_null=True)
    site = serializers.CharField()
    use = serializers.CharField()
    follow_up_question = serializers.CharField(help_text="A reviewer's question on a filed report (it is due again).")
    filed_at = serializers.DateTimeField(allow_null=True)
    documents = DocumentSerializer(many=True)
