"""Demo history: a year of the office's work (requests, questions, decisions, licences, shipments, end-use reports)
written in bulk with past dates, every record as the services would have left it and every audit chain hashed.

Going through the services would stamp every event with today's clock and take minutes; instead each case is
planned as the services would have moved it (the same effects, the same working-day clock, the same screening
code), then written with ``bulk_create`` and its events hashed with ``audit.event_digest``. Nothing is sent: the
history's notifications and emails went out long ago, so none are written.
"""
import json
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Model
from django.utils import timezone

from approvals import clock, roles, screening
from approvals.audit import GENESIS_HASH, event_digest
from approvals.models import (
    ApprovedCustomerChange,
    Assessment,
    Company,
    CompanyMember,
    EndUseReport,
    ImportRequest,
    InformationRequest,
    Licence,
    LicenceEvent,
    LicenceLine,
    RequestLine,
    ReviewEvent,
    Shipment,
    ShipmentLine,
)
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.services.assessments import line_inputs
from approvals.services.licences import OVERDUE_FLAG
from approvals.sizing import SizingInput
from approvals.states import LicenceStatus, Role, Status, Tier
from chips.models import ChipModel
from parties.services import screen_names

SEED = 14
HISTORY_DAYS = 360
# At most this share of the customer cap is used by any company's licences and open requests, with margin.
CAP_SHARE = Decimal("0.45")


@dataclass(frozen=True)
class CompanySpec:
    key: str
    legal_name: str
    uscc: str
    username: str
    approved_customer: bool
    reference: str
    # Days before today that the company's approval ended (None: it has no end date).
    ended_days_ago: int | None
    city: str
    sites: tuple[str, ...]
    end_users: tuple[str, ...]
    categories: tuple[str, ...]
    # Final status of the company's historic requests: how many of each.
    outcomes: dict[str, int]


# Companies A and B are the demo's first two (approvals/demo.py); C to F are added with the history.
NEW_COMPANIES = (
    CompanySpec(
        "C", "北京燕园智算科技有限公司", "91110108MA04CK7R2J", "applicant-c", True, "AC-2025-0117", None, "Beijing",
        ("Hall 2, Yizhuang Computing Park, Beijing", "Zhongguancun Software Park, Building 12, Beijing"),
        ("北京燕园智算科技有限公司 (own use)", "北京大学 (Peking University)", "北京协和医院 (Peking Union Medical "
         "College Hospital)", "China Mobile Beijing (customer)", "国家气象信息中心 (National Meteorological "
         "Information Center)"),
        ("model_training", "research", "inference_serving", "cloud_services"),
        {"approved": 46, "rejected": 9, "withdrawn": 5, "lapsed": 3, "under_review": 6, "information_requested": 3,
         "senior_review": 2, "draft": 1},
    ),
    CompanySpec(
        "D", "上海临港星河数据科技有限公司", "91310115MA1K4P8N6Y", "applicant-d", True, "AC-2025-0093", None,
        "Shanghai",
        ("Lingang Data Centre Campus, Block B, Shanghai", "Zhangjiang Hi-Tech Park, Data Hall 4, Shanghai"),
        ("上海临港星河数据科技有限公司 (own use)", "复旦大学附属中山医院 (Zhongshan Hospital, Fudan University)",
         "上海浦东发展银行 (SPD Bank, customer)", "Shanghai Jiao Tong University", "洋山港智能物流有限公司 (Yangshan "
         "Port Smart Logistics, customer)"),
        ("cloud_services", "inference_serving", "model_training"),
        {"approved": 40, "rejected": 8, "withdrawn": 4, "lapsed": 3, "under_review": 6, "information_requested": 2,
         "senior_review": 2, "draft": 1},
    ),
    CompanySpec(
        "E", "成都蜀云智能计算服务有限公司", "91510100MA6D3QLX85", "applicant-e", False, "", None, "Chengdu",
        ("Tianfu New Area Data Park, Chengdu",),
        ("成都蜀云智能计算服务有限公司 (own use)", "四川大学华西医院 (West China Hospital)", "Sichuan Provincial "
         "Government Cloud (customer)"),
        ("cloud_services", "inference_serving", "research"),
        {"rejected": 18, "withdrawn": 4, "lapsed": 3, "under_review": 3, "information_requested": 1, "draft": 1},
    ),
    CompanySpec(
        "F", "苏州澜湖人工智能有限公司", "91320594MA1WN7FH3D", "applicant-f", True, "AC-2025-0061", 91,
        "Suzhou",
        ("Suzhou Industrial Park, Xinghu Street 328, Suzhou",),
        ("苏州澜湖人工智能有限公司 (own use)", "苏州大学 (Soochow University)", "Suzhou Metro Group (customer)"),
        ("inference_serving", "model_training"),
        {"approved": 22, "rejected": 14, "withdrawn": 3, "lapsed": 2, "under_review": 2, "draft": 1},
    ),
)
# Companies A and B exist already (approvals/demo.py): their specs give only what their history is made of.
HISTORY_A = CompanySpec(
    "A", "", "", "applicant-a", True, "", None, "Shenzhen",
    ("Building 3, Qianhai Data Park, Shenzhen", "Guiyang Gui'an Data Centre, Hall C"),
    ("Shenzhen Lattice Compute Co., Ltd. (own use)", "Zhejiang University", "深圳市人民医院 (Shenzhen People's "
     "Hospital)", "China Merchants Bank (customer)", "南方电网数字电网研究院 (CSG Digital Grid Research Institute)"),
    ("model_training", "inference_serving", "research"),
    {"approved": 48, "rejected": 10, "withdrawn": 5, "lapsed": 4, "under_review": 6, "information_requested": 3,
     "senior_review": 2, "draft": 1},
)
HISTORY_B = CompanySpec(
    "B", "", "", "applicant-b", False, "", None, "Hangzhou",
    ("Riverbend DC-2, Xiaoshan, Hangzhou",),
    ("Hangzhou Riverbend Cloud Ltd.", "浙江省政务云 (Zhejiang Government Cloud, customer)", "Westlake University"),
    ("cloud_services", "inference_serving"),
    {"rejected": 16, "withdrawn": 4, "lapsed": 2, "under_review": 2, "information_requested": 1},
)
OPEN_OUTCOMES = ("under_review", "information_requested", "senior_review")
# What becomes of licences, in turn (a suspension, a revocation or a surrender needs time after the shipments; a
# licence issued too recently for it stays active).
FATES = ("plain", "exhaust", "plain", "plain", "suspend", "plain", "exhaust", "plain", "revoke", "plain", "exhaust",
         "plain", "reinstate", "plain", "exhaust", "plain", "surrender", "plain", "exhaust", "plain")

PURPOSES = {
    "model_training": (
        "Pre-training of a {b}-billion-parameter Chinese-English foundation model for {domain}, trained by our own "
        "team on licensed corpora. One job runs at a time with data and tensor parallelism; domestic accelerators "
        "were benchmarked and lack the interconnect and HBM bandwidth the run needs.",
        "Continued pre-training and alignment of our {b}B model for {domain}. The cluster is dedicated to this "
        "project for the declared period, checkpoints stay in our data centre, and the run is logged per job so "
        "that the regulator can audit what was trained.",
    ),
    "inference_serving": (
        "Inference serving of a {b}B model for {domain}: low-latency generation with long contexts. The cards "
        "replace end-of-life accelerators in our data centre; usage is metered per customer and the logs are kept "
        "for the regulator on request.",
        "Production serving of our {b}B assistant for {domain}, with peak load during business hours. The cluster "
        "serves only contracted domestic customers through our API gateway; no capacity is resold or rented out.",
    ),
    "cloud_services": (
        "GPU cloud capacity for {domain}: dedicated instances rented to vetted domestic enterprise customers under "
        "contracts that forbid model training above 1e24 FLOP and re-export. Tenants are identified, and usage is "
        "logged per tenant and per job.",
        "Expansion of our public GPU cloud for {domain}. Every tenant passes our know-your-customer check; capacity "
        "is billed by the hour and monitored, and we report the largest tenants to the regulator every quarter.",
    ),
    "research": (
        "Joint research with {domain}: protein-structure prediction, materials discovery and climate downscaling. "
        "The cluster is shared by university labs under a published access policy; no commercial customers and no "
        "model weights leave the campus network.",
        "A shared research cluster for {domain}, allocated by a faculty committee to projects in medical imaging, "
        "speech and scientific computing. Usage reports go to the ministry every quarter.",
    ),
}
DOMAINS = {
    "model_training": ("legal and financial document analysis", "medical question answering", "code generation",
                       "power-grid dispatch planning", "customer service in banking"),
    "inference_serving": ("customer-support assistants of provincial utilities", "hospital triage and medical "
                          "records", "retail banking chat", "e-government services", "logistics document processing"),
    "cloud_services": ("small and medium enterprises in the region", "provincial government departments",
                       "universities and hospitals", "manufacturing firms' quality inspection"),
    "research": ("three university laboratories", "the provincial key laboratory of intelligent computing",
                 "the medical school and the school of physics"),
}
SIZING = {
    "inference_serving": lambda rng: {"inference_active_parameters": rng.choice((7, 14, 34, 72)) * 10**9,
                                      "inference_peak_tokens_per_second": rng.choice((8, 20, 40, 60)) * 1000},
    "cloud_services": lambda rng: {"planned_peak_utilisation": rng.choice((55, 60, 70, 80))},
    "research": lambda rng: {"planned_peak_utilisation": rng.choice((50, 60, 65))},
}
QUESTIONS = (
    ("Please attach the signed contract with the end user and say how many of the units it covers.",
     "The contract is attached; it covers all the units ordered, for three years."),
    ("Please name the tenants that will use more than 10% of the capacity, and how you check them.",
     "Our three largest tenants are domestic banks; each passed our know-your-customer check, report attached."),
    ("The training run you declare needs less compute than the order delivers. Please explain the difference.",
     "The difference is for evaluation runs and a second model planned for next year; the plan is attached."),
    ("Please confirm the deployment address and attach the data centre's lease.",
     "The lease is attached; the address is the one declared, racks B1 to B6."),
    ("Please describe the access controls of the cluster: who may run jobs, and how usage is logged.",
     "Jobs run through our scheduler with named accounts only; logs are kept for five years."),
    ("Why do domestic accelerators not serve this use? Please attach your benchmark.",
     "Our benchmark on Ascend 910B is attached: the model's context length does not fit its memory."),
)
REJECTIONS = {
    "over_provisioned": "The order is several times what the declared use needs; file again sized to the plan.",
    "insufficient_purpose": "The purpose does not say what runs on the chips and for whom.",
    "domestic_alternative": "Domestic accelerators serve this inference workload; the benchmark does not show "
                            "otherwise.",
    "incomplete_documents": "The end-user contract and the lease were not provided.",
    "end_user_concern": "The end user's ownership could not be established from the documents given.",
}
NOT_APPROVED = ("{company} is not an approved customer under the framework; H200 and H20 may be sold to approved "
                "customers only. File again once the company is approved.")
CONDITIONS = ("Usage reports every quarter.", "", "Install at the declared site only; report installation within "
              "90 days.", "No tenant may use more than 20% of the capacity.", "Quarterly usage reports; no resale.")
RATIONALES = {
    "approve": ("Declared run matches the order within 2x; approved customer in good standing.",
                "Large order, but sized to the declared plan; the end user is known to us and the site inspected."),
    "reject": ("The order far exceeds the stated use and the applicant did not explain why.",
               "End user's ownership unclear; I recommend refusing until it is documented."),
}
WITHDRAWALS = ("The project was postponed; we will file again next quarter.", "",
               "We ordered the wrong model; a corrected request follows.")
SUSPENSIONS = ("The site inspection found racks installed at another address.",
               "End-use reports are overdue and the holder did not answer.")
REVOCATIONS = ("The end user was found to serve a listed entity.",
               "The chips were installed at an undeclared site; the holder did not correct it.")
SURRENDERS = ("The project was cancelled; nothing more will ship.",)
USES = ("Training runs of our foundation model, as declared.", "Inference serving for contracted customers.",
        "Research jobs of the university labs under the access policy.")


def _moment(day: date, hour: int, minute: int, second: int = 0, micro: int = 0) -> datetime:
    """A moment of the site's day, in UTC as ``timezone.now()`` gives it (the audit hash is of that form)."""
    local = datetime.combine(day, time(hour, minute, second, micro), tzinfo=timezone.get_current_timezone())
    return local.astimezone(UTC)


def _payload(value: dict) -> dict:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


@dataclass
class _Event:
    action: str
    from_status: str
    to_status: str
    actor: object
    role: str
    at: datetime
    comment: str = ""
    payload: dict | Callable[[], dict] = field(default_factory=dict)


@dataclass
class _LicencePlan:
    """A licence as planned: its fields (the row is made once its final status is known), lines, shipments with
    their lines, end-use report and the moment they were recorded, and its events."""

    fields: dict
    events: list[_Event] = field(default_factory=list)
    lines: list[LicenceLine] = field(default_factory=list)
    shipments: list[tuple[Shipment, list[ShipmentLine], EndUseReport, datetime]] = field(default_factory=list)
    ended_at: datetime | None = None  # revoked or surrendered: no longer counts against the cap
    licence: Licence | None = None


@dataclass
class _Case:
    """One historic request as it is planned: its fields, lines and events, in the order they happened."""

    company: Company
    spec: CompanySpec
    applicant: object
    fields: dict
    lines: list[RequestLine]
    events: list[_Event] = field(default_factory=list)
    questions: list[tuple[InformationRequest, datetime]] = field(default_factory=list)
    assessment: Assessment | None = None
    licence: _LicencePlan | None = None
    status: str = Status.DRAFT
    screened_at: datetime | None = None
    closed_at: datetime | None = None
    request: ImportRequest | None = None

    def add(self, action: str, to_status: str, actor, role: str, at: datetime, comment: str = "",
            payload=None) -> None:
        last = self.events[-1].at if self.events else None
        if last is not None and at <= last:
            at = last + timedelta(seconds=37)
        from_status = self.status if self.events else ""
        self.events.append(_Event(action, from_status, to_status, actor, role, at, comment, payload or {}))
        self.status = to_status

    @property
    def last_at(self) -> datetime:
        return self.events[-1].at

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


class _Planner:
    def __init__(self, *, staff: dict, chips: dict, today: date):
        self.rng = random.Random(SEED)
        self.staff = staff
        self.chips = chips
        self.today = today
        self.holidays = clock.holidays()
        self.reviewers = [staff["reviewer"], staff["reviewer2"]]
        self.seniors = [staff["senior"], staff["senior2"]]
        self.cap = int(CURRENT_SCREENING_POLICY.rolling_units_cap * CAP_SHARE)
        self.licences = 0

    # Time --------------------------------------------------------------------------------------------------

    def later(self, at: datetime, low: int, high: int) -> datetime:
        """A moment in office hours ``low`` to ``high`` working days after ``at`` (0: later the same day)."""
        days = self.rng.randint(low, high)
        if days == 0:
            return at + timedelta(minutes=self.rng.randint(15, 150), seconds=self.rng.randint(0, 59))
        day = clock.add_working_days(timezone.localdate(at), days, self.holidays)
        return _moment(day, self.rng.randint(9, 17), self.rng.randint(0, 59), self.rng.randint(0, 59),
                       self.rng.randint(0, 999_999))

    def working_day(self, first: date, last: date) -> date:
        day = first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))
        while not clock.is_working_day(day, self.holidays):
            day -= timedelta(days=1)
        return day

    # The request's content ---------------------------------------------------------------------------------

    def declaration(self, spec: CompanySpec) -> dict:
        rng = self.rng
        category = rng.choice(spec.categories)
        template = rng.choice(PURPOSES[category])
        fields = {
            "purpose_category": category,
            "purpose_statement": template.format(b=rng.choice((7, 13, 34, 70, 110)), domain=rng.choice(
                DOMAINS[category])),
            "end_user": rng.choice(spec.end_users), "deployment_site": rng.choice(spec.sites),
            "attest_no_reexport": True, "attest_no_military_end_use": True,
        }
        if category == "model_training":
            parameters = rng.choice((7, 13, 34, 70, 110)) * 10**9
            fields.update(training_parameters=parameters, training_tokens=rng.choice((1, 2, 4, 8)) * 10**12,
                          training_days=rng.choice((30, 45, 60, 90, 120)))
        else:
            fields.update(SIZING[category](rng))
        return fields

    def lines(self, outcome: str, room: int) -> list[RequestLine]:
        """One or two lines of the framework's chips, kept within ``room`` units when they may be licensed."""
        rng = self.rng
        h200, h20 = self.chips["nvidia-h200"], self.chips["nvidia-h20"]
        large = outcome != "draft" and rng.random() < 0.12
        if large:
            wanted = [(h200, rng.choice((1_100, 1_200, 1_500, 1_600)))]
        elif rng.random() < 0.3:
            wanted = [(h200, rng.choice((32, 64, 96, 128))), (h20, rng.choice((64, 128, 256)))]
        else:
            chip = rng.choice((h200, h20))
            wanted = [(chip, rng.choice((16, 32, 48, 64, 96, 128, 192, 256, 384, 512)))]
        lines = []
        for chip, quantity in wanted:
            quantity = max(8, min(quantity, room - sum(line.quantity for line in lines)))
            price = Decimal(rng.choice(("31500.00", "32000.00", "32400.00"))) if chip == h200 else Decimal(
                rng.choice(("11800.00", "12000.00", "12300.00")))
            lines.append(RequestLine(chip=chip, quantity=quantity, unit_price_usd=price))
        return lines

    def preliminary_tier(self, case: _Case, on: date) -> str:
        """The tier the screening gives (the cap never scores here: every company stays under half of it)."""
        return self.assess(case, on, screening.RollingTotals(units=0, tpp=0.0)).tier

    def assess(self, case: _Case, on: date, rolling: screening.RollingTotals) -> screening.AssessmentResult:
        sizing_fields = {name: case.fields.get(name) for name in (
            "training_parameters", "training_active_parameters", "training_tokens", "training_days",
            "inference_active_parameters", "inference_peak_tokens_per_second", "planned_peak_utilisation")}
        declaration = screening.Declaration(
            purpose_category=case.fields["purpose_category"],
            approved_customer=case.company.is_approved_customer(on),
            sizing=SizingInput(purpose_category=case.fields["purpose_category"],
                               precision=case.fields.get("training_precision", "bf16"), **sizing_fields),
        )
        return screening.assess(line_inputs(case.lines), declaration, rolling)

    # The moves, as the transition service makes them --------------------------------------------------------

    def screen(self, case: _Case, at: datetime) -> None:
        tier = self.preliminary_tier(case, timezone.localdate(at))
        policy = CURRENT_SCREENING_POLICY
        working_days = policy.senior_sla_working_days if tier == Tier.SENIOR else policy.standard_sla_working_days
        case.fields.update(
            tier=tier, queue=policy.queues.get(case.fields["purpose_category"], "general"),
            sla_working_days=working_days,
            sla_due=clock.add_working_days(timezone.localdate(at), working_days, self.holidays),
        )
        case.screened_at = at

        def payload():
            assessment = case.assessment
            return {"assessment": assessment.pk, "tier": assessment.tier, "risk_score": assessment.risk_score,
                    "flags": assessment.flags, "party_matches": {"added": [], "withdrawn": [], "open": 0}}

        case.add("screen", Status.UNDER_REVIEW, None, Role.SYSTEM, at, payload=payload)

    def claim(self, case: _Case, at: datetime, reviewer) -> None:
        previous = case.fields.get("assignee")
        case.fields["assignee"] = reviewer
        case.add("claim", case.status, reviewer, Role.REVIEWER, at,
                 payload={"assignee": reviewer.pk, "previous": previous.pk if previous else None})

    def ask(self, case: _Case, at: datetime, reviewer) -> InformationRequest:
        question, _ = self.rng.choice(QUESTIONS)
        asked_on = timezone.localdate(at)
        due = clock.add_working_days(asked_on, CURRENT_SCREENING_POLICY.information_due_working_days, self.holidays)
        info = InformationRequest(question=question, asked_by=reviewer, due_date=due)
        if case.fields.get("sla_due") is not None:
            case.fields["sla_paused_days_left"] = clock.working_days_between(asked_on, case.fields["sla_due"],
                                                                             self.holidays)
        case.fields["sla_due"] = None
        case.fields.setdefault("assignee", reviewer)
        case.add("request_information", Status.INFORMATION_REQUESTED, reviewer, Role.REVIEWER, at, question,
                 lambda: {"information_request": info.pk, "due_date": due.isoformat()})
        case.questions.append((info, case.last_at))
        return info

    def answer(self, case: _Case, info: InformationRequest, at: datetime) -> None:
        answer = next(text for question, text in QUESTIONS if question == info.question)
        info.answer, info.answered_by, info.answered_at = answer, case.applicant, at
        days_left = case.fields.get("sla_paused_days_left") or 0
        case.fields["sla_paused_days_left"] = None
        case.fields["sla_due"] = clock.add_working_days(timezone.localdate(at), max(days_left, 0), self.holidays)
        case.add("respond", Status.UNDER_REVIEW, case.applicant, Role.APPLICANT, at, answer,
                 lambda: {"information_request": info.pk})

    def escalate(self, case: _Case, at: datetime, reviewer, recommendation: str) -> None:
        case.fields.update(escalated_by=reviewer, recommendation=recommendation)
        case.add("escalate", Status.SENIOR_REVIEW, reviewer, Role.REVIEWER, at,
                 self.rng.choice(RATIONALES[recommendation]), {"recommendation": recommendation})

    def send_back(self, case: _Case, at: datetime, senior) -> None:
        case.fields.update(escalated_by=None, recommendation="")
        case.add("return", Status.UNDER_REVIEW, senior, Role.SENIOR_REVIEWER, at,
                 "Please check the end user's ownership against the documents before I sign.")

    def approve(self, case: _Case, at: datetime, actor, role: str) -> None:
        conditions = self.rng.choice(CONDITIONS)
        in_part = self.rng.random() < 0.15
        for index, line in enumerate(case.lines):
            line.approved_quantity = line.quantity // 2 if in_part and index == 0 and line.quantity >= 16 \
                else line.quantity
        case.fields["total_units"] = sum(line.approved_quantity for line in case.lines)
        case.fields["total_tpp"] = sum(line.chip.tpp * line.approved_quantity for line in case.lines)
        case.fields["decided_at"] = at
        plan = case.licence = self.licence(case, at, actor, conditions)
        case.add("approve", Status.APPROVED, actor, role, at, conditions, lambda: {
            "conditions": conditions, "licence": plan.licence.number,
            "approved_lines": {str(line.pk): line.approved_quantity for line in case.lines},
        })
        case.closed_at = at

    def reject(self, case: _Case, at: datetime, actor, role: str, code: str | None = None) -> None:
        if code is None:
            code = self.rng.choice(tuple(REJECTIONS))
        reason = NOT_APPROVED.format(company=case.company) if code == "other" else REJECTIONS[code]
        case.fields["decided_at"] = at
        case.add("reject", Status.REJECTED, actor, role, at, reason, {"reason_codes": [code]})
        case.closed_at = at

    def withdraw(self, case: _Case, at: datetime) -> None:
        case.add("withdraw", Status.WITHDRAWN, case.applicant, Role.APPLICANT, at, self.rng.choice(WITHDRAWALS))
        case.closed_at = at

    def lapse(self, case: _Case, info: InformationRequest) -> None:
        at = _moment(info.due_date + timedelta(days=1), 2, self.rng.randint(0, 59), self.rng.randint(0, 59))
        case.fields["decided_at"] = at
        case.add("lapse", Status.LAPSED, None, Role.SYSTEM, at, "The answer to the request for information is "
                                                                "overdue.")
        case.closed_at = at

    # Whole cases -------------------------------------------------------------------------------------------

    def case(self, spec: CompanySpec, company: Company, applicant, outcome: str, created_on: date,
             room: int) -> _Case:
        rng = self.rng
        fields = self.declaration(spec)
        lines = self.lines(outcome, room)
        case = _Case(company, spec, applicant, fields, lines)
        fields["total_units"] = sum(line.quantity for line in lines)
        fields["total_tpp"] = sum(line.chip.tpp * line.quantity for line in lines)
        created = _moment(created_on, rng.randint(9, 16), rng.randint(0, 59), rng.randint(0, 59),
                          rng.randint(0, 999_999))
        fields["created_at"] = created
        case.add("create", Status.DRAFT, applicant, Role.APPLICANT, created, payload={"lines": len(lines)})
        if outcome == "draft":
            return case
        submitted = self.later(created, 0, 2)
        fields["submitted_at"] = submitted
        case.add("submit", Status.SUBMITTED, applicant, Role.APPLICANT, submitted)
        self.screen(case, submitted + timedelta(seconds=rng.randint(4, 40), microseconds=rng.randint(0, 999_999)))
        at = case.last_at
        reviewer = rng.choice(self.reviewers)
        if outcome == "information_requested":
            # An open question must still be answerable: asked within the last few working days.
            asked = self.later(case.last_at, 1, 2)
            self.claim(case, self.later(case.last_at, 0, 0), reviewer)
            self.ask(case, max(asked, case.last_at + timedelta(minutes=5)), reviewer)
            return case
        if rng.random() < 0.85 or outcome == "senior_review":
            at = self.later(at, 0, 3)
            self.claim(case, at, reviewer)
        asking = outcome == "lapsed" or rng.random() < 0.3
        if asking:
            info = self.ask(case, self.later(case.last_at, 1, 5), reviewer)
            if outcome == "lapsed":
                self.lapse(case, info)
                return case
            self.answer(case, info, self.later(case.last_at, 1, 8))
        if outcome == "under_review":
            return case
        if outcome == "withdrawn":
            self.withdraw(case, self.later(case.last_at, 1, 6))
            return case
        at = self.later(case.last_at, 2, 12)
        tier = case.fields["tier"]
        approved_customer = company.is_approved_customer(timezone.localdate(at))
        code = None if approved_customer else "other"
        if outcome == "senior_review" or tier == Tier.SENIOR or rng.random() < 0.08:
            self.escalate(case, at, reviewer, "approve" if outcome in ("approved", "senior_review") else "reject")
            if outcome == "senior_review":
                return case
            senior = rng.choice(self.seniors)
            if rng.random() < 0.1:
                self.send_back(case, self.later(case.last_at, 1, 4), senior)
                self.escalate(case, self.later(case.last_at, 1, 4), reviewer, case.fields.get("recommendation")
                              or ("approve" if outcome == "approved" else "reject"))
            at = self.later(case.last_at, 1, 10)
            if outcome == "approved":
                self.approve(case, at, senior, Role.SENIOR_REVIEWER)
            else:
                self.reject(case, at, senior, Role.SENIOR_REVIEWER, code)
        elif outcome == "approved":
            self.approve(case, at, reviewer, Role.REVIEWER)
        else:
            self.reject(case, at, reviewer, Role.REVIEWER, code)
        return case

    # Licences ----------------------------------------------------------------------------------------------

    def licence(self, case: _Case, at: datetime, issuer, conditions: str) -> _LicencePlan:
        """The licence an approval issues, then what happened to it up to yesterday: shipments and their end-use
        reports, and for a few a suspension, a revocation or a surrender."""
        rng = self.rng
        valid_from = timezone.localdate(at)
        by_chip: dict = defaultdict(int)
        for line in case.lines:
            if line.approved_quantity:
                by_chip[line.chip] += line.approved_quantity
        plan = _LicencePlan({
            "holder": case.company, "conditions": conditions, "valid_from": valid_from,
            "valid_until": valid_from + relativedelta(months=CURRENT_SCREENING_POLICY.approval_validity_months),
            "total_units": sum(by_chip.values()),
            "total_tpp": sum(chip.tpp * units for chip, units in by_chip.items()),
            "issued_by": issuer, "issued_at": at,
        })
        plan.lines = [LicenceLine(chip=chip, approved=units) for chip, units in by_chip.items()]
        issuer_role = Role.SENIOR_REVIEWER if roles.is_senior_reviewer(issuer) else Role.REVIEWER
        lines_payload = {chip.slug: units for chip, units in by_chip.items()}
        plan.events.append(_Event("issue", "", LicenceStatus.ACTIVE, issuer, issuer_role, at, conditions,
                                  lambda: {"request": case.request.reference, "number": plan.licence.number,
                                           "lines": lines_payload}))
        last_day = self.today - timedelta(days=1)
        # Fates in turn rather than by chance, so that every kind is there whatever the day.
        self.licences += 1
        fate = FATES[self.licences % len(FATES)]
        window = (last_day - valid_from).days
        shipments = 0 if window < 10 else rng.choice((1, 1, 2, 2, 3)) if fate == "exhaust" else \
            rng.choice((0, 1, 1, 2, 2, 3))
        if shipments == 0 and fate == "exhaust":
            fate = "plain"
        ship_days = sorted(valid_from + timedelta(days=rng.randint(5, min(window, 120))) for _ in range(shipments))
        remaining = dict(by_chip)
        last_at = at
        for number, shipped_on in enumerate(ship_days, start=1):
            final = number == shipments
            quantities = {}
            for chip, left in remaining.items():
                if left == 0:
                    continue
                share = left if final and fate == "exhaust" else max(1, left // rng.choice((2, 3, 4)))
                quantities[chip] = min(share, left)
            for chip, quantity in quantities.items():
                remaining[chip] -= quantity
            recorded_on = min(shipped_on + timedelta(days=rng.randint(0, 2)), last_day)
            recorded = max(_moment(recorded_on, rng.randint(9, 18), rng.randint(0, 59), rng.randint(0, 59)),
                           last_at + timedelta(minutes=3))
            last_at = recorded
            self.shipment(case, plan, shipped_on, recorded, quantities)
        if shipments and not any(remaining.values()):
            plan.events.append(_Event("exhaust", "", LicenceStatus.EXHAUSTED, None, Role.SYSTEM,
                                      last_at + timedelta(microseconds=rng.randint(1_000, 90_000))))
        elif fate in ("suspend", "reinstate", "revoke", "surrender"):
            start = timezone.localdate(last_at) + timedelta(days=5)
            if start < last_day - timedelta(days=10):
                when = _moment(self.working_day(start, last_day - timedelta(days=8)), rng.randint(9, 17),
                               rng.randint(0, 59))
                senior, other = rng.sample(self.seniors, 2)
                if fate in ("suspend", "reinstate"):
                    plan.events.append(_Event("suspend", "", LicenceStatus.SUSPENDED, senior, Role.SENIOR_REVIEWER,
                                              when, rng.choice(SUSPENSIONS)))
                    if fate == "reinstate":
                        plan.events.append(_Event(
                            "reinstate", "", LicenceStatus.ACTIVE, other, Role.SENIOR_REVIEWER,
                            self.later(when, 2, 5), "The holder corrected the site; inspection passed."))
                elif fate == "revoke":
                    plan.events.append(_Event("revoke", "", LicenceStatus.REVOKED, senior, Role.SENIOR_REVIEWER,
                                              when, rng.choice(REVOCATIONS)))
                    plan.ended_at = when
                else:
                    plan.events.append(_Event("surrender", "", LicenceStatus.SURRENDERED, case.applicant,
                                              Role.COMPANY_ADMIN, when, rng.choice(SURRENDERS)))
                    plan.ended_at = when
        return plan

    def shipment(self, case: _Case, plan: _LicencePlan, shipped_on: date, recorded: datetime,
                 quantities: dict) -> None:
        rng = self.rng
        reference = f"BL-{case.spec.city[:3].upper()}-{shipped_on:%Y%m%d}-{rng.randint(100, 999)}"
        shipment = Shipment(shipped_on=shipped_on, reference=reference, recorded_by=case.applicant,
                            units=sum(quantities.values()))
        lines = [ShipmentLine(shipment=shipment, chip=chip, quantity=quantity) for chip, quantity in quantities.items()]
        due_on = shipped_on + timedelta(days=CURRENT_SCREENING_POLICY.end_use_report_days)
        report = EndUseReport(due_on=due_on)
        plan.shipments.append((shipment, lines, report, recorded))
        slugs = {chip.slug: quantity for chip, quantity in quantities.items()}
        plan.events.append(_Event("ship", "", "", case.applicant, Role.APPLICANT, recorded, reference, lambda: {
            "shipment": str(shipment.public_id), "shipped_on": shipped_on.isoformat(), "lines": slugs,
            "end_use_report_due": due_on.isoformat()}))
        last_day = self.today - timedelta(days=1)
        files = rng.random() < (0.8 if due_on < self.today else 0.3)
        filed_on = shipped_on + timedelta(days=rng.randint(20, 85))
        if files and filed_on <= last_day:
            filed = max(_moment(filed_on, rng.randint(9, 18), rng.randint(0, 59)), recorded + timedelta(hours=1))
            report.state, report.filed_by, report.filed_at = EndUseReport.State.FILED, case.applicant, filed
            report.installed_units = shipment.units - (rng.randint(0, 4) if shipment.units > 8 else 0)
            report.site, report.use = case.fields["deployment_site"], rng.choice(USES)
            plan.events.append(_Event("report", "", "", case.applicant, Role.APPLICANT, filed, report.use, lambda: {
                "report": str(report.public_id), "shipment": str(shipment.public_id),
                "installed_units": report.installed_units, "site": report.site}))
            accepted_on = filed_on + timedelta(days=rng.randint(2, 12))
            if rng.random() < 0.7 and accepted_on <= last_day:
                reviewer = rng.choice(self.reviewers)
                accepted = _moment(accepted_on, rng.randint(9, 18), rng.randint(0, 59))
                report.state, report.decided_by, report.decided_at = EndUseReport.State.ACCEPTED, reviewer, accepted
                plan.events.append(_Event("accept_report", "", "", reviewer, Role.REVIEWER, accepted, "",
                                          lambda: {"report": str(report.public_id)}))
        elif due_on < last_day:
            # The beat marked it overdue the night after its due date.
            report.state = EndUseReport.State.OVERDUE
            plan.events.append(_Event("report_overdue", "", "", None, Role.SYSTEM,
                                      _moment(due_on + timedelta(days=1), 1, rng.randint(0, 59), rng.randint(0, 59)),
                                      "", lambda: {"report": str(report.public_id), "due_on": due_on.isoformat()}))


MAX_TRIES = 80


def _company_history(planner: _Planner, spec: CompanySpec, company: Company, applicant, room: int) -> list[_Case]:
    """The company's cases, each planned from a creation day so that it ends as its outcome says before today
    (an open question still answerable, an approval while the company was approved)."""
    today = planner.today
    first = today - timedelta(days=HISTORY_DAYS)
    start_of_today = _moment(today, 0, 0)
    ended = company.approved_customer_valid_until
    outcomes = [outcome for outcome, count in spec.outcomes.items() for _ in range(count)]
    planner.rng.shuffle(outcomes)
    cases = []
    used = 0
    for outcome in outcomes:
        if outcome == "information_requested":
            window = (today - timedelta(days=8), today - timedelta(days=4))
        elif outcome in OPEN_OUTCOMES:
            window = (today - timedelta(days=50), today - timedelta(days=4))
        elif outcome == "draft":
            window = (today - timedelta(days=40), today - timedelta(days=1))
        elif ended and outcome == "approved":
            window = (first, ended - timedelta(days=40))
        elif ended and outcome == "rejected" and planner.rng.random() < 0.6:
            window = (ended + timedelta(days=1), today - timedelta(days=30))
        else:
            window = (first, today - timedelta(days=12))
        created_on = planner.working_day(*window)
        counted = outcome == "approved" or outcome in OPEN_OUTCOMES
        for _ in range(MAX_TRIES):
            case = planner.case(spec, company, applicant, outcome, created_on, room - used if counted else 2_000)
            if case.last_at >= start_of_today or case.status != outcome:
                created_on -= timedelta(days=1 if outcome in ("information_requested", "draft") else 7)
            elif outcome == "information_requested" and case.questions[-1][0].due_date <= today:
                created_on += timedelta(days=1)
            else:
                break
        else:
            raise RuntimeError(f"Demo history: no {outcome} case of {company} fits before today.")
        if counted:
            used += case.fields["total_units"]
        cases.append(case)
    return cases


def _rolling_at(cases: list[_Case], case: _Case, at: datetime) -> screening.RollingTotals:
    """The company's licensed units and open requests as the screening read them at ``at``."""
    units, tpp, open_units, open_tpp = 0, 0.0, 0, 0.0
    for other in cases:
        if other is case or other.company is not case.company:
            continue
        plan = other.licence
        if plan and plan.fields["issued_at"] < at and (plan.ended_at is None or plan.ended_at > at):
            units += plan.fields["total_units"]
            tpp += plan.fields["total_tpp"]
        submitted = other.fields.get("submitted_at")
        if submitted and submitted <= at and (other.closed_at is None or other.closed_at > at):
            open_units += other.units
            open_tpp += sum(line.chip.tpp * line.quantity for line in other.lines)
    return screening.RollingTotals(units=units, tpp=tpp, open_units=open_units, open_tpp=open_tpp)


def _set_columns(model: type[Model], field_names: tuple[str, ...], objects: list[Model]) -> None:
    """Write these fields of rows already inserted, in one statement run for each row: the values only known once
    the rows have ids (numbers, hashes that name them) and the past moments ``auto_now`` fields overwrote on the way
    in. (``bulk_update`` builds one CASE per field over every row and costs seconds here.)"""
    if not objects:
        return
    connection = connections[model.objects.db]
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {columns} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608
    rows = [[field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] + [obj.pk]
            for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _chain(owner_public_id, events: list[_Event], make, owner: str) -> list[Model]:
    """The events as rows, hashed and linked as ``audit.event_append`` links them."""
    rows = []
    prev_hash = GENESIS_HASH
    for seq, event in enumerate(events, start=1):
        payload = _payload(event.payload() if callable(event.payload) else event.payload)
        actor_id = event.actor.pk if event.actor is not None else None
        digest = event_digest(
            request_public_id=owner_public_id, seq=seq, action=event.action, from_status=event.from_status,
            to_status=event.to_status, actor_id=actor_id, actor_role=event.role, at=event.at,
            comment=event.comment, payload=payload, prev_hash=prev_hash, owner=owner,
        )
        rows.append(make(seq=seq, action=event.action, from_status=event.from_status, to_status=event.to_status,
                         actor_id=actor_id, actor_role=event.role, at=event.at, comment=event.comment,
                         payload=payload, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return rows


def _licence_make(plan: _LicencePlan) -> Licence:
    """The licence's row as its events leave it: they are put in order, each given the status it moved from and
    to, and the licence takes the last status, the suspender while suspended and the overdue flag."""
    plan.events.sort(key=lambda event: event.at)
    status = ""
    for event in plan.events:
        event.from_status = status
        if event.to_status == "":
            event.to_status = status
        status = event.to_status
    suspensions = [event.actor for event in plan.events if event.action == "suspend"]
    overdue = any(report.state == EndUseReport.State.OVERDUE for _, _, report, _ in plan.shipments)
    plan.licence = Licence(
        status=status, version=len(plan.events), flags=OVERDUE_FLAG if overdue else "",
        suspended_by=suspensions[-1] if status == LicenceStatus.SUSPENDED else None, **plan.fields,
    )
    return plan.licence


def _parties_clear(cases: list[_Case], companies: list[Company]) -> None:
    """The history's parties are not on the loaded screening lists (its cases carry no party matches)."""
    names = {("company", company.legal_name) for company in companies}
    names |= {("end_user", case.fields["end_user"]) for case in cases}
    hits = screen_names(sorted(names), [company.uscc for company in companies])
    if hits:
        listed = ", ".join(sorted({hit.name for hit in hits}))
        raise RuntimeError(f"The demo history's parties match the loaded screening lists ({listed}); load the "
                           "sample list (parties/data/sample_screening_list.csv) for the demo.")


def _founded() -> datetime:
    """When the demo's companies and accounts were set up: before the first request of the history."""
    return timezone.now() - timedelta(days=HISTORY_DAYS + 60)


def _companies(*, senior, password_hash: str) -> list[tuple[CompanySpec, Company, object]]:
    User = get_user_model()
    founded = _founded()
    made = []
    for spec in NEW_COMPANIES:
        valid_until = None if spec.ended_days_ago is None else clock.today() - timedelta(days=spec.ended_days_ago)
        company = Company.objects.create(
            legal_name=spec.legal_name, uscc=spec.uscc, approved_customer=spec.approved_customer,
            approved_customer_reference=spec.reference, approved_customer_valid_until=valid_until,
        )
        user = User.objects.create(username=spec.username, email=f"{spec.username}@example.com",
                                   password=password_hash, date_joined=founded)
        CompanyMember.objects.create(user=user, company=company, role=CompanyMember.CompanyRole.ADMIN)
        made.append((spec, company, user))
    Company.objects.filter(pk__in=[company.pk for _, company, _ in made]).update(created_at=founded)
    changes = [
        ApprovedCustomerChange(company=company, approved_customer=True, reference=spec.reference,
                               valid_until=company.approved_customer_valid_until, changed_by=senior,
                               reason="Approved under the framework after the ministry's review of the company.")
        for spec, company, _ in made if spec.approved_customer
    ]
    ApprovedCustomerChange.objects.bulk_create(changes)
    ApprovedCustomerChange.objects.filter(pk__in=[change.pk for change in changes]).update(
        changed_at=founded + timedelta(days=20))
    return made


def history_seed(*, staff: dict, company_a: Company, applicant_a, company_b: Company, applicant_b,
                 password_hash: str) -> int:
    """Write a year of history for companies A and B and the four companies it adds; returns the requests
    written. Runs inside the caller's transaction."""
    today = clock.today()
    chips = {chip.slug: chip for chip in ChipModel.objects.filter(slug__in=("nvidia-h200", "nvidia-h20"))}
    planner = _Planner(staff=staff, chips=chips, today=today)
    # Companies A and B and the staff were there before the history began.
    Company.objects.filter(pk__in=(company_a.pk, company_b.pk)).update(created_at=_founded())
    get_user_model().objects.filter(pk__in=[applicant_a.pk, applicant_b.pk, *(user.pk for user in staff.values())]
                                    ).update(date_joined=_founded())
    companies = [(HISTORY_A, company_a, applicant_a), (HISTORY_B, company_b, applicant_b),
                 *_companies(senior=staff["senior"], password_hash=password_hash)]
    # Company A also holds the demo's requests filed today (about 8,800 units, open or licensed).
    rooms = {"A": planner.cap - 9_000}
    cases: list[_Case] = []
    for spec, company, applicant in companies:
        cases += _company_history(planner, spec, company, applicant, rooms.get(spec.key, planner.cap))
    _parties_clear(cases, [company for _, company, _ in companies])
    # Numbered in the order they were created, as the desk would have numbered them.
    cases.sort(key=lambda case: case.events[0].at)
    _assess(planner, cases)
    _write_requests(cases)
    _write_licences([case for case in cases if case.licence])
    _write_events(cases)
    return len(cases)


def _assess(planner: _Planner, cases: list[_Case]) -> None:
    """Each screened case's assessment, scored by the screening code on the company's totals at the time."""
    for case in cases:
        if case.screened_at is None:
            continue
        result = planner.assess(case, timezone.localdate(case.screened_at),
                                _rolling_at(cases, case, case.screened_at))
        if result.tier != case.fields["tier"]:
            raise RuntimeError(f"Demo history: the tier changed with the company's totals ({result.tier}).")
        case.assessment = Assessment(
            input_hash=result.input_hash, policy_version=result.policy_version, metrics=result.metrics,
            line_metrics=result.line_metrics, factors=result.factors_as_data(), risk_score=result.risk_score,
            tier=result.tier, flags=result.flags,
        )
        case.fields.update(risk_score=result.risk_score, flags=" ".join(result.flags))


def _write_requests(cases: list[_Case]) -> None:
    for case in cases:
        values = {name: value for name, value in case.fields.items() if name != "created_at"}
        case.request = ImportRequest(company=case.company, created_by=case.applicant, status=case.status, **values)
    ImportRequest.objects.bulk_create([case.request for case in cases])
    for case in cases:
        for line in case.lines:
            line.import_request = case.request
        for info, _ in case.questions:
            info.import_request = case.request
        if case.assessment:
            case.assessment.import_request = case.request
    RequestLine.objects.bulk_create([line for case in cases for line in case.lines])
    assessed = [case for case in cases if case.assessment]
    Assessment.objects.bulk_create([case.assessment for case in assessed])
    for case in assessed:
        case.assessment.created_at = case.screened_at  # auto_now_add stamped today on the way in
        case.request.current_assessment = case.assessment
    _set_columns(Assessment, ("created_at",), [case.assessment for case in assessed])
    questions = [(info, at) for case in cases for info, at in case.questions]
    InformationRequest.objects.bulk_create([info for info, _ in questions])
    for info, at in questions:
        info.asked_at = at
    _set_columns(InformationRequest, ("asked_at",), [info for info, _ in questions])


def _write_licences(cases: list[_Case]) -> None:
    plans = [case.licence for case in cases]
    for case in cases:
        _licence_make(case.licence).import_request = case.request
    Licence.objects.bulk_create([plan.licence for plan in plans])
    for plan in plans:
        licence = plan.licence
        licence.number = f"CGL-{licence.valid_from.year}-{licence.pk:06d}"
        licence.updated_at = plan.events[-1].at
        by_chip = {line.chip.pk: line for line in plan.lines}
        for line in plan.lines:
            line.licence = licence
        for shipment, shipment_lines, report, _ in plan.shipments:
            shipment.licence = report.licence = licence
            report.holder_id = licence.holder_id
            for shipment_line in shipment_lines:
                by_chip[shipment_line.chip.pk].shipped += shipment_line.quantity
    LicenceLine.objects.bulk_create([line for plan in plans for line in plan.lines])
    shipments = [item for plan in plans for item in plan.shipments]
    Shipment.objects.bulk_create([shipment for shipment, _, _, _ in shipments])
    for shipment, shipment_lines, report, recorded in shipments:
        shipment.recorded_at = recorded  # auto_now_add stamped today on the way in
        for line in shipment_lines:
            line.shipment = shipment
        report.shipment = shipment
    _set_columns(Shipment, ("recorded_at",), [shipment for shipment, _, _, _ in shipments])
    ShipmentLine.objects.bulk_create([line for _, lines, _, _ in shipments for line in lines])
    EndUseReport.objects.bulk_create([report for _, _, report, _ in shipments])


def _write_events(cases: list[_Case]) -> None:
    """Both kinds of chain, hashed now that every id their payloads name exists, and the anchors set."""
    events, licence_events, licences = [], [], []
    for case in cases:
        request = case.request
        rows = _chain(request.public_id, case.events, lambda request=request, **kwargs: ReviewEvent(
            import_request=request, **kwargs), "request")
        events += rows
        request.reference = f"IR-{case.fields['created_at'].year}-{request.pk:06d}"
        request.created_at, request.updated_at = case.fields["created_at"], case.last_at
        request.last_event_seq, request.last_event_hash, request.version = rows[-1].seq, rows[-1].hash, len(rows)
        if case.licence:
            licence = case.licence.licence
            rows = _chain(licence.public_id, case.licence.events, lambda licence=licence, **kwargs: LicenceEvent(
                licence=licence, **kwargs), "licence")
            licence_events += rows
            licence.last_event_seq, licence.last_event_hash = rows[-1].seq, rows[-1].hash
            licences.append(licence)
    _set_columns(ImportRequest, ("reference", "created_at", "updated_at", "current_assessment", "version",
                                 "last_event_seq", "last_event_hash"), [case.request for case in cases])
    _set_columns(Licence, ("number", "updated_at", "last_event_seq", "last_event_hash"), licences)
    ReviewEvent.objects.bulk_create(events, batch_size=500)
    LicenceEvent.objects.bulk_create(licence_events, batch_size=500)
