"""Portal forms: they turn what a person typed into the plain data the services take; the services hold the rules."""
from django import forms
from django.forms import BaseFormSet, formset_factory

from approvals.models import PurposeCategory
from approvals.policy import FILING_LIMITS
from chips.models import FrameworkStatus
from chips.selectors import chip_list


def chip_choices() -> list:
    """Catalog chips grouped by framework status, each labelled with its TPP so the choice is informed."""
    groups: dict[str, list[tuple[str, str]]] = {status: [] for status in FrameworkStatus.values}
    for chip in chip_list():
        groups[chip.framework_status].append((chip.slug, f"{chip} — TPP {chip.tpp:,.0f}"))
    return [("", "Choose a chip…")] + [
        (FrameworkStatus(status).label, options) for status, options in groups.items() if options
    ]


class DeclarationForm(forms.Form):
    purpose_category = forms.ChoiceField(
        label="Purpose category", choices=[("", "Choose a category…"), *PurposeCategory.choices]
    )
    purpose_statement = forms.CharField(
        label="Purpose statement", required=False, max_length=FILING_LIMITS.max_text_length,
        widget=forms.Textarea(attrs={"rows": 6, "aria-describedby": "purpose-count purpose-help"}),
        help_text=(
            f"At least {FILING_LIMITS.min_purpose_length} characters to submit: what will run on the chips, for whom, "
            "and why domestic accelerators do not meet the need."
        ),
    )
    end_user = forms.CharField(label="End user", required=False, max_length=255)
    consignee = forms.CharField(
        label="Consignee or intermediary", required=False, max_length=255,
        help_text="Who receives the chips before the end user, if anyone (a distributor, an integrator).",
    )
    deployment_site = forms.CharField(
        label="Deployment site", required=False, max_length=255, help_text="Address of the data centre."
    )
    training_parameters = forms.IntegerField(label="Model size (parameters)", required=False)
    training_active_parameters = forms.IntegerField(
        label="Active parameters per token", required=False,
        help_text="For a mixture-of-experts model: the parameters each token uses. Leave empty for a dense model.",
    )
    training_tokens = forms.IntegerField(label="Training tokens", required=False)
    training_days = forms.IntegerField(label="Planned training duration (days)", required=False)
    training_precision = forms.ChoiceField(
        label="Training precision", choices=[("bf16", "BF16"), ("fp8", "FP8")], initial="bf16", required=False,
    )
    inference_active_parameters = forms.IntegerField(
        label="Model size served (active parameters)", required=False,
    )
    inference_peak_tokens_per_second = forms.IntegerField(label="Peak tokens per second", required=False)
    planned_peak_utilisation = forms.IntegerField(
        label="Planned peak utilisation (%)", required=False,
        help_text="The share of these chips your plan expects to keep busy at peak.",
    )
    attest_no_reexport = forms.BooleanField(
        label="I attest that the chips will not be re-exported.", required=False
    )
    attest_no_military_end_use = forms.BooleanField(
        label="I attest that the chips will have no military end use.", required=False
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

    chip = forms.ChoiceField(label="Chip")
    quantity = forms.CharField(
        label="Quantity", max_length=32, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    unit_price_usd = forms.CharField(
        label="Unit price (USD)", max_length=32,
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
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             max_length=FILING_LIMITS.max_text_length)
    document = forms.FileField(
        label="Attach a document (optional)", required=False, help_text="PDF, PNG or JPEG, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class DocumentForm(forms.Form):
    document = forms.FileField(
        label="Document", help_text="PDF, PNG or JPEG, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label="Reason (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
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
        label="Shipping date", required=False, max_length=10, widget=forms.DateInput(attrs={"type": "date"}),
    )
    reference = forms.CharField(label="Invoice or bill-of-lading number", required=False, max_length=128)
    document = forms.FileField(
        label="Invoice or bill of lading (optional)", required=False, help_text="PDF, PNG or JPEG, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def __init__(self, *args, licence_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.licence_lines = list(licence_lines)
        for line in self.licence_lines:
            self.fields[self.quantity_field(line.chip.slug)] = forms.CharField(
                label=str(line.chip), required=False, max_length=32,
                help_text=f"{line.remaining:,} of {line.approved:,} remaining.",
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
        label="Units installed", required=False, max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    site = forms.CharField(label="Site (address of the data centre)", required=False, max_length=255)
    use = forms.CharField(label="What the chips are used for", required=False,
                          max_length=FILING_LIMITS.max_text_length, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label="Photo or document (optional)", required=False, help_text="PDF, PNG or JPEG, at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_TYPES}),
    )

    def report(self) -> dict:
        data = self.cleaned_data
        return {"installed_units": _digits(data["installed_units"]), "site": data["site"], "use": data["use"]}


class SurrenderForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=FILING_LIMITS.max_text_length,
    )
