"""Guards of the review workflow: pure reads that say what keeps an action from being taken, in words."""
from django.utils.translation import gettext

from approvals import clock
from approvals.errors import WorkflowError
from approvals.models import ImportRequest, PurposeCategory, RequestLine
from approvals.policy import FILING_LIMITS
from approvals.states import Status, Tier
from chips.models import FrameworkStatus


def submit_problems(import_request: ImportRequest, lines: list[RequestLine]) -> dict[str, list[str]]:
    """What keeps a draft from being submitted, per field, in words for the applicant."""
    problems: dict[str, list[str]] = {}
    if not lines:
        problems["lines"] = [gettext("Add at least one line: a chip, a quantity and a unit price.")]
    problems.update(ineligible_lines(lines))
    statement = (import_request.purpose_statement or "").strip()
    minimum = FILING_LIMITS.min_purpose_length
    if len(statement) < minimum:
        problems["purpose_statement"] = [gettext(
            "Describe the purpose in at least %(minimum)s characters (%(length)s so far): what will run on the "
            "chips, for whom, and why domestic accelerators do not meet the need."
        ) % {"minimum": minimum, "length": len(statement)}]
    if not import_request.end_user.strip():
        problems["end_user"] = [gettext("Name the end user.")]
    if not import_request.deployment_site.strip():
        problems["deployment_site"] = [gettext("Give the deployment site (address of the data centre).")]
    if not import_request.attest_no_reexport:
        problems["attest_no_reexport"] = [gettext("Attest that the chips will not be re-exported.")]
    if not import_request.attest_no_military_end_use:
        problems["attest_no_military_end_use"] = [gettext("Attest that there is no military end use.")]
    required = {
        PurposeCategory.MODEL_TRAINING: (
            ("training_parameters", gettext("For model training, declare the model size in parameters.")),
            ("training_tokens", gettext("For model training, declare the number of training tokens.")),
            ("training_days", gettext("For model training, declare the planned training duration in days.")),
        ),
        PurposeCategory.INFERENCE_SERVING: (
            ("inference_active_parameters", gettext(
                "For inference serving, declare the size of the model served (its active parameters).")),
            ("inference_peak_tokens_per_second", gettext(
                "For inference serving, declare the peak tokens per second.")),
        ),
    }.get(import_request.purpose_category, ())
    for field, sentence in required:
        if not getattr(import_request, field):
            problems[field] = [sentence]
    if (import_request.training_active_parameters and import_request.training_parameters
            and import_request.training_active_parameters > import_request.training_parameters):
        problems["training_active_parameters"] = [
            gettext("Active parameters per token cannot exceed the model's total parameters.")]
    return problems


def ineligible_lines(lines: list[RequestLine]) -> dict[str, list[str]]:
    """Lines whose chip cannot be imported under the framework, keyed ``lines.<index>.chip``: said when the
    draft is saved, and again when it is submitted."""
    return {
        f"lines.{index}.chip": [gettext(
            "%(chip)s is %(status)s: only chips eligible under the approved-customer framework can be imported."
        ) % {"chip": line.chip, "status": gettext(line.chip.get_framework_status_display()).lower()}]
        for index, line in enumerate(lines)
        if line.chip.framework_status != FrameworkStatus.ELIGIBLE
    }


def guard_refusal(import_request: ImportRequest, actor, action: str) -> WorkflowError | None:
    """Payload-independent guards beyond state and role: the refusal (code and sentence), or None."""
    if action == "approve" and import_request.status == Status.UNDER_REVIEW and import_request.tier != Tier.STANDARD:
        return WorkflowError(WorkflowError.FORBIDDEN, (
            "This is a senior-tier case: escalate it with a recommendation; a senior reviewer signs it off."
        ))
    if action in ("approve", "reject") and import_request.status == Status.SENIOR_REVIEW and actor is not None \
            and import_request.escalated_by_id == actor.pk:
        return WorkflowError(WorkflowError.FORBIDDEN, (
            "Two-person rule: you escalated this case, so another senior reviewer must decide it."
        ))
    if action == "lapse" and not import_request.information_requests.filter(
        answered_at__isnull=True, due_date__lt=clock.today()
    ).exists():
        return WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "The answer is not overdue yet.")
    return None
