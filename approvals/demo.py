"""Demo data: the staff accounts, six companies with a year of history (approvals/demo_history.py), and on top of
it the requests filed today in several states, built through the services."""
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from approvals import clock, roles, services
from approvals.demo_history import NEW_COMPANIES, history_seed
from approvals.models import Company, CompanyMember
from parties.models import ScreeningListEntry
from parties.services import SAMPLE_LIST_PATH, screening_list_load

COMPANY_A = {"legal_name": "Shenzhen Lattice Compute Co., Ltd.", "uscc": "91440300MA5G8K2L7N",
             "approved_customer": True, "approved_customer_reference": "AC-2026-0042"}
COMPANY_B = {"legal_name": "Hangzhou Riverbend Cloud Ltd.", "uscc": "91330100MA2H3R5T1T",
             "approved_customer": False, "approved_customer_reference": ""}
STAFF = {
    "reviewer": ("Li", "Wen", [roles.REVIEWER_GROUP]),
    "reviewer2": ("Zhao", "Min", [roles.REVIEWER_GROUP]),
    "senior": ("Chen", "Hui", [roles.SENIOR_REVIEWER_GROUP]),
    "senior2": ("Sun", "Yue", [roles.SENIOR_REVIEWER_GROUP]),
    "maintainer": ("Wang", "Lei", [roles.CATALOG_MAINTAINER_GROUP]),
    "auditor": ("Xu", "Fang", [roles.AUDITOR_GROUP]),
}

TRAINING_PURPOSE = (
    "Pre-training of a 70-billion-parameter Chinese-English foundation model for legal and financial document "
    "analysis, served to domestic banks under contract. The cluster runs a single training job with data "
    "parallelism; domestic accelerators were benchmarked and lack the HBM bandwidth our pipeline needs."
)
INFERENCE_PURPOSE = (
    "Inference serving for our customer-support assistant used by 40 provincial utilities: low-latency "
    "generation on a 34B model with long contexts. The chips go into our Guiyang data centre, replacing "
    "end-of-life cards; usage is metered per customer and logged for the regulator on request."
)
RESEARCH_PURPOSE = (
    "Joint research with Zhejiang University on protein-structure prediction and climate downscaling models. "
    "The cluster is shared by three university labs under a published access policy; no commercial customers "
    "and no model weights leave the campus network. Quarterly usage reports go to the ministry."
)


def _line(slug: str, quantity: int, price: str) -> dict:
    return {"chip": slug, "quantity": quantity, "unit_price_usd": price}


SIZING = {
    "inference_serving": {"inference_active_parameters": 34_000_000_000, "inference_peak_tokens_per_second": 40_000},
    "cloud_services": {"planned_peak_utilisation": 70},
    "research": {"planned_peak_utilisation": 60},
}


def _declaration(purpose: str, category: str, **extra) -> dict:
    return {
        **SIZING.get(category, {}), "purpose_category": category, "purpose_statement": purpose,
        "end_user": extra.pop("end_user", "Shenzhen Lattice Compute Co., Ltd. (own use)"),
        "deployment_site": extra.pop("deployment_site", "Building 3, Qianhai Data Park, Shenzhen"),
        "attest_no_reexport": True, "attest_no_military_end_use": True, **extra,
    }


def demo_exists() -> bool:
    return Company.objects.filter(uscc=COMPANY_A["uscc"]).exists()


@transaction.atomic
def demo_seed(*, password: str) -> None:
    User = get_user_model()
    # Every demo account has the same published password: it is hashed once (each hash costs half a second).
    password_hash = make_password(password)
    company_a = Company.objects.create(**COMPANY_A)
    company_b = Company.objects.create(**COMPANY_B)
    for username, company in (("applicant-a", company_a), ("applicant-b", company_b)):
        user = User.objects.create(username=username, email=f"{username}@example.com", password=password_hash)
        CompanyMember.objects.create(user=user, company=company, role=CompanyMember.CompanyRole.ADMIN)
    staff = {}
    for username, (last, first, groups) in STAFF.items():
        user = User.objects.create(username=username, email=f"{username}@regulator.example", password=password_hash,
                                   is_staff=True, first_name=first, last_name=last)
        user.groups.set(Group.objects.filter(name__in=groups))
        staff[username] = user
    applicant_a = User.objects.get(username="applicant-a")
    applicant_b = User.objects.get(username="applicant-b")
    # The history's parties are screened against the list the desk uses; the flagged request below needs it too.
    if not ScreeningListEntry.objects.exists():
        screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    history_seed(staff=staff, company_a=company_a, applicant_a=applicant_a, company_b=company_b,
                 applicant_b=applicant_b, password_hash=password_hash)

    def filed(actor, declaration, lines, *, submit=True):
        import_request = services.request_create(actor=actor, data=declaration, lines=lines)
        if submit:
            services.request_transition(import_request_id=import_request.pk, action="submit", actor=actor)
            services.request_screen(import_request_id=import_request.pk)
        return import_request

    training = _declaration(TRAINING_PURPOSE, "model_training", training_parameters=70_000_000_000,
                            training_tokens=2_000_000_000_000, training_days=120)
    filed(applicant_a, _declaration(INFERENCE_PURPOSE, "inference_serving"),
          [_line("nvidia-h20", 400, "12000.00")], submit=False)
    filed(applicant_a, training, [_line("nvidia-h200", 512, "32000.00"), _line("nvidia-h20", 64, "12000.00")])
    asked = filed(applicant_a, _declaration(RESEARCH_PURPOSE, "research", end_user="Zhejiang University"),
                  [_line("nvidia-h200", 64, "32000.00")])
    services.request_claim(import_request_id=asked.pk, actor=staff["reviewer"])
    services.request_transition(
        import_request_id=asked.pk, action="request_information", actor=staff["reviewer"],
        payload={"question": "Please attach the access policy and name the three labs that share the cluster."},
    )
    big = filed(applicant_a, training, [_line("nvidia-h200", 8_000, "31000.00")])
    services.request_claim(import_request_id=big.pk, actor=staff["reviewer"])
    services.request_transition(
        import_request_id=big.pk, action="escalate", actor=staff["reviewer"],
        payload={"recommendation": "approve", "rationale": "Declared run matches the order within 2x; "
                 "company is an approved customer with no prior orders this year."},
    )
    approved = filed(applicant_a, _declaration(RESEARCH_PURPOSE, "research", end_user="Zhejiang University"),
                     [_line("nvidia-h20", 32, "12000.00")])
    services.request_transition(
        import_request_id=approved.pk, action="approve", actor=staff["reviewer2"],
        payload={"conditions": "Usage reports every quarter."},
    )
    # An active licence with one shipment whose end-use report is due.
    services.shipment_record(
        licence_id=approved.licence.pk, actor=applicant_a, shipped_on=clock.today() - timedelta(days=3),
        reference="BL-SZX-2026-0917", lines=[{"chip": "nvidia-h20", "quantity": 20}],
    )
    # A licence suspended by a senior reviewer (another one reinstates it).
    partly = filed(applicant_a, _declaration(INFERENCE_PURPOSE, "inference_serving"),
                   [_line("nvidia-h20", 48, "12000.00"), _line("nvidia-h200", 16, "32000.00")])
    h20_line, h200_line = partly.lines.order_by("id")
    services.request_transition(
        import_request_id=partly.pk, action="approve", actor=staff["reviewer"],
        payload={"conditions": "24 H20 and no H200 until the Guiyang site passes inspection.",
                 "approved_lines": [{"line": h20_line.pk, "quantity": 24}, {"line": h200_line.pk, "quantity": 0}]},
    )
    services.licence_transition(
        licence_id=partly.licence.pk, action="suspend", actor=staff["senior"],
        payload={"reason": "The Guiyang site inspection found the racks installed at another address."},
    )
    filed(applicant_b, _declaration(INFERENCE_PURPOSE, "cloud_services", end_user="Hangzhou Riverbend Cloud Ltd.",
                                    deployment_site="Riverbend DC-2, Xiaoshan, Hangzhou"),
          [_line("nvidia-h200", 256, "32500.00")])
    # An open request whose end user, written in Chinese characters, may be a listed entity (the invented sample
    # list's first entry): the desk shows an open party match that blocks approval until a reviewer decides it.
    filed(applicant_a, _declaration(INFERENCE_PURPOSE, "inference_serving", end_user="深圳龙岗精密计算有限公司",
                                    deployment_site="Longgang Science Park, Shenzhen"),
          [_line("nvidia-h20", 96, "12000.00")])


DEMO_APPLICANTS = ("applicant-a", "applicant-b", *(spec.username for spec in NEW_COMPANIES))
