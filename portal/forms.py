"""Portal forms: they turn what a person typed into the plain data the services take; the services hold the rules."""
from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from approvals.models import DocumentKind, PurposeCategory
from approvals.numbers import NotANumber, in_words, parse_count
from approvals.policy import FILING_LIMITS
from chips.models import FrameworkStatus
from chips.selectors import chip_list
from portal import vocabulary


def chip_choices() -> list:
    """Catalog chips grouped by framework status, each labelled with its TPP so the choice is informed."""
    groups: dict[str, list[tuple[str, str]]] = {status: [] for status in FrameworkStatus.values}
    for chip in chip_list():
        groups[chip.framework_status].append((chip.slug, f"{chip} — TPP {chip.tpp:,.0f}"))
    return [("", _("Choose a chip…"))] + [
        (vocabulary.word(FrameworkStatus(status).label), options) for status, options in groups.items() if options
    ]


def _purpose_choices() -> list:
    return [("", _("Choose a category…")), *vocabulary.choices(PurposeCategory.choices)]


def _min_purpose_help() -> str:
    return _("At least %(count)s characters to submit: what will run on the chips, for whom, and why domestic "
             "accelerators do not meet the need.") % {"count": FILING_LIMITS.min_purpose_length}


class CountField(forms.CharField):
    """A whole count as people write it (70B, 2T, 700亿, 13,000,000,000); the help text says it back in words."""

    default_error_messages = {
        "invalid": _("Enter a whole number, such as 70B, 2T, 700亿 or 70,000,000,000."),
    }

    MAX_LENGTH = 40

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "data-count": "", "maxlength": str(self.MAX_LENGTH)})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > self.MAX_LENGTH:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return parse_count(value)
        except NotANumber:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        return f"{value:,}" if isinstance(value, int) else value


def count_in_words(value, language: str) -> str:
    """What a count field holds, in words, or "" when it holds nothing that parses."""
    if isinstance(value, int):
        return in_words(value, language)
    try:
        return in_words(parse_count(str(value or "")), language) if value else ""
    except NotANumber:
        return ""


class DeclarationForm(forms.Form):
    purpose_category = forms.ChoiceField(label=_("Purpose category"), choices=_purpose_choices)
    purpose_statement = forms.CharField(
        label=_("Purpose statement"), required=False, max_length=FILING_LIMITS.max_text_length,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "purpose-count purpose-help"}),
        help_text=lazy(_min_purpose_help, str)(),
    )
    end_user = forms.CharField(label=_("End user"), required=False, max_length=255)
    consignee = forms.CharField(
        label=_("Consignee or intermediary"), required=False, max_length=255,
        help_text=_("Who receives the chips before the end user, if anyone (a distributor, an integrator)."),
    )
    deployment_site = forms.CharField(
        label=_("Deployment site"), required=False, max_length=255, help_text=_("Address of the data centre.")
    )
    training_parameters = CountField(
        label=_("Model size (parameters)"), help_text=_("For example 70B or 700亿."),
    )
    training_active_parameters = CountField(
        label=_("Active parameters per token"),
        help_text=_("For a mixture-of-experts model: the parameters each token uses. Leave empty for a dense "
                    "model."),
    )
    training_tokens = CountField(label=_("Training tokens"), help_text=_("For example 2T or 2万亿."))
    training_days = forms.IntegerField(label=_("Planned training duration (days)"), required=False)
    training_precision = forms.ChoiceField(
        label=_("Training precision"), choices=[("bf16", "BF16"), ("fp8", "FP8")], initial="bf16", required=False,
    )
    inference_active_parameters = CountField(
        label=_("Model size served (active parameters)"), help_text=_("For example 70B or 700亿."),
    )
    inference_peak_tokens_per_second = CountField(label=_("Peak tokens per second"))
    planned_peak_utilisation = forms.IntegerField(
        label=_("Planned peak utilisation (%)"), required=False,
        help_text=_("The share of these chips your plan expects to keep busy at peak."),
    )
    attest_no_reexport = forms.BooleanField(
        label=_("I attest that the chips will not be re-exported."), required=False
    )
    attest_no_military_end_use = forms.BooleanField(
        label=_("I attest that the chips will have no military end use."), required=False
    )

    TRAINING_FIELDS = ("training_parameters", "training_active_parameters", "training_tokens", "training_days",
                       "training_precision")
    INFERENCE_FIELDS = ("inference_active_parameters", "inference_peak_tokens_per_second")
    PLAN_FIELDS = ("planned_peak_utilisation",)
    # Which sizing figures each purpose declares (the others are left out, whatever was typed before a change).
    SIZING_FIELDS = {
        PurposeCategory.MODEL_TRAINING: TRAINING_FIELDS,
        PurposeCategory.INFERENCE_SERVING: INFERENCE_FIELDS,
        PurposeCategory.CLOUD_SERVICES: PLAN_FIELDS,
        PurposeCategory.RESEARCH: PLAN_FIELDS,
    }

    def declaration(self) -> dict:
        """The cleaned declaration as the services take it; sizing figures only of the chosen purpose."""
        data = dict(self.cleaned_data)
        kept = self.SIZING_FIELDS.get(data["purpose_category"], ())
        for field in (*self.TRAINING_FIELDS, *self.INFERENCE_FIELDS, *self.PLAN_FIELDS):
            if field not in kept:
                data[field] = "bf16" if field == "training_precision" else None
        data["training_precision"] = data["training_precision"] or "bf16"
        return data


class LineForm(forms.Form):
    """One order line as typed; what a line may hold is checked by the drafts service, whose errors land here."""

    chip = forms.ChoiceField(label=_("Chip"))
    quantity = forms.CharField(
        label=_("Quantity"), max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    unit_price_usd = forms.CharField(
        label=_("Unit price (USD)"), max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, chip_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chip"].choices = chip_choices

    def line(self) -> dict:
        data = self.cleaned_data
        # Thousands separators and spaces are how people write numbers; the service takes plain digits.
        return {
            "chip": data["chip"],
            "quantity": data["quantity"].replace(",", "").replace(" ", ""),
            "unit_price_usd": data["unit_price_usd"].replace(",", "").replace(" ", ""),
        }


class BaseLineFormSet(BaseFormSet):
    """Blank rows are ignored wherever they are, so adding a row never forces it to be filled in."""

    def _construct_form(self, i, **kwargs):
        return super()._construct_form(i, empty_permitted=True, use_required_attribute=False, **kwargs)

    def lines(self) -> tuple[list[dict], list[LineForm]]:
        """The filled, kept lines for the services, with the form each came from (service errors map back)."""
        kept = [
            form for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]
        return [form.line() for form in kept], kept


LineFormSet = formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True)
LINES_PREFIX = "lines"


def line_formset(data=None, *, initial=None) -> BaseLineFormSet:
    """The lines formset; the catalog is read once for all its rows."""
    return LineFormSet(data, initial=initial, prefix=LINES_PREFIX, form_kwargs={"chip_choices": chip_choices()})


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             max_length=FILING_LIMITS.max_text_length)
    document = forms.FileField(
        label=_("Attach a document (optional)"), required=False, help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of document"), choices=DocumentKind.choices, required=False,
                             initial=DocumentKind.PURCHASE_CONTRACT)
    document = forms.FileField(
        label=_("Document"), help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or DocumentKind.OTHER


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=FILING_LIMITS.max_text_length,
    )


DOCUMENT_TYPES = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def _digits(value: str) -> str:
    """Thousands separators and spaces are how people write numbers; the services take plain digits."""
    return value.replace(",", "").replace(" ", "")


class ShipmentForm(forms.Form):
    """A shipment against a licence: the date, the reference and a quantity per chip of the licence (blank or 0:
    none of that chip). The shipments service judges every value."""

    shipped_on = forms.CharField(
        label=_("Shipping date"), required=False, max_length=10, widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label=_("Invoice or bill-of-lading number"), required=False, max_length=128)
    document = forms.FileField(
        label=_("Invoice or bill of lading (optional)"), required=False,
        help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def __init__(self, *args, licence_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.licence_lines = list(licence_lines)
        for line in self.licence_lines:
            self.fields[self.quantity_field(line.chip.slug)] = forms.CharField(
                label=str(line.chip), required=False, max_length=32,
                help_text=_("%(remaining)s of %(approved)s remaining.") % {
                    "remaining": f"{line.remaining:,}", "approved": f"{line.approved:,}"},
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            )

    @staticmethod
    def quantity_field(slug: str) -> str:
        return f"quantity_{slug}"

    def quantity_fields(self) -> list:
        return [self[self.quantity_field(line.chip.slug)] for line in self.licence_lines]

    def lines(self) -> tuple[list[dict], list[str]]:
        """The lines for the service, and the form field each came from (its errors, keyed by position, land
        there)."""
        lines, fields = [], []
        for line in self.licence_lines:
            name = self.quantity_field(line.chip.slug)
            quantity = _digits(self.cleaned_data[name])
            if quantity in ("", "0"):
                continue
            lines.append({"chip": line.chip.slug, "quantity": quantity})
            fields.append(name)
        return lines, fields


class EndUseReportForm(forms.Form):
    installed_units = forms.CharField(
        label=_("Units installed"), required=False, max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    site = forms.CharField(label=_("Site (address of the data centre)"), required=False, max_length=255)
    use = forms.CharField(label=_("What the chips are used for"), required=False,
                          max_length=FILING_LIMITS.max_text_length, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Photo or document (optional)"), required=False, help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def report(self) -> dict:
        data = self.cleaned_data
        return {"installed_units": _digits(data["installed_units"]), "site": data["site"], "use": data["use"]}


class SurrenderForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=FILING_LIMITS.max_text_length,
    )
