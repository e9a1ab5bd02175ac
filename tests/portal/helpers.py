"""Building blocks for the portal's view tests: the order form's POST data, a one-time form token, a PDF."""
from tests.factories import PURPOSE

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def order_data(*, token: str = "", lines=(("nvidia-h200", "8", "32000.00"),), **overrides) -> dict:
    """What a browser posts from the order form when the person presses "Save draft"."""
    data = {
        "save": "1",
        "form_token": token,
        "purpose_category": "inference_serving",
        "inference_active_parameters": "13000000000",
        "inference_peak_tokens_per_second": "100000",
        "purpose_statement": PURPOSE,
        "end_user": "Guangdong Legal AI Ltd.",
        "deployment_site": "Building 3, Qianhai Data Park, Shenzhen",
        "attest_no_reexport": "on",
        "attest_no_military_end_use": "on",
        "training_parameters": "",
        "training_tokens": "",
        "training_days": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
    }
    for index, (chip, quantity, price) in enumerate(lines):
        data.update({
            f"lines-{index}-chip": chip,
            f"lines-{index}-quantity": quantity,
            f"lines-{index}-unit_price_usd": price,
            f"lines-{index}-DELETE": "",
        })
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def form_token(client) -> str:
    return client.get("/requests/new/").context["form_token"]
