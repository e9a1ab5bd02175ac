"""factory_boy factories; requests are built through the services so they are always consistent."""
import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from approvals import services
from approvals.models import Company, CompanyMember
from approvals.validators import uscc_check_character

PURPOSE = (
    "Training and serving a 13B-parameter Chinese legal-domain language model for courts and law firms in "
    "Guangdong; the cluster runs in our own data centre under our security procedures, and domestic "
    "accelerators were benchmarked and fall short on memory bandwidth for long-context training."
)


def valid_uscc(n: int) -> str:
    first17 = f"9144030{n:010d}"[:17]
    return first17 + uscc_check_character(first17)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    legal_name = factory.Sequence(lambda n: f"Test Compute Co. {n}")
    uscc = factory.Sequence(valid_uscc)
    approved_customer = True
    approved_customer_reference = factory.Sequence(lambda n: f"AC-{n:04d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw-for-tests")


class ApplicantFactory(UserFactory):
    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory", factory_related_name="user"
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMember

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = CompanyMember.CompanyRole.FILER


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


def declaration(**overrides) -> dict:
    data = {
        "purpose_category": "inference_serving",
        "purpose_statement": PURPOSE,
        # Sized to the default order (8 H200): 2 x 13e9 x 100,000 tokens/s at 35% is about what 8 H200 deliver.
        "inference_active_parameters": 13_000_000_000,
        "inference_peak_tokens_per_second": 100_000,
        "end_user": "Guangdong Legal AI Ltd.",
        "deployment_site": "Building 3, Qianhai Data Park, Shenzhen",
        "attest_no_reexport": True,
        "attest_no_military_end_use": True,
    }
    data.update(overrides)
    return data


def line(chip: str = "nvidia-h200", quantity: int = 8, price: str = "32000.00") -> dict:
    return {"chip": chip, "quantity": quantity, "unit_price_usd": price}


def draft_request(applicant, *, lines=None, **overrides):
    return services.request_create(actor=applicant, data=declaration(**overrides), lines=lines or [line()])


def submitted_request(applicant, **kwargs):
    """A submitted request; with tasks eager and no on-commit run, it stays in submitted."""
    request = draft_request(applicant, **kwargs)
    return services.request_transition(import_request_id=request.pk, action="submit", actor=applicant)


def request_in_review(applicant, **kwargs):
    request = submitted_request(applicant, **kwargs)
    services.request_screen(import_request_id=request.pk)
    request.refresh_from_db()
    return request


def enrolled(user):
    """Give ``user`` a confirmed authenticator app and backup codes, as the desk's set-up page does."""
    from approvals import second_factor

    device = second_factor.totp_enrolment_start(user=user)
    return second_factor.totp_enrolment_confirm(user=user, otp=totp_code(device))


def totp_code(device, steps_ahead: int = 0) -> str:
    """The code the user's authenticator app shows now (or ``steps_ahead`` 30-second steps later)."""
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def wrong_totp_code(device) -> str:
    """A 6-digit code that no step around now accepts."""
    accepted = {totp_code(device, steps) for steps in range(-2, 3)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in accepted)


def approved_licence(applicant, reviewer, *, lines=None, approved_lines=None, conditions: str = ""):
    """An approved request's licence (standard tier, so one reviewer approves)."""
    from approvals.models import Licence

    import_request = request_in_review(applicant, lines=lines or [line("nvidia-h200", 8), line("nvidia-h20", 4,
                                                                                               "12000.00")])
    payload = {"conditions": conditions}
    if approved_lines is not None:
        payload["approved_lines"] = approved_lines
    services.request_transition(import_request_id=import_request.pk, action="approve", actor=reviewer,
                                payload=payload)
    return Licence.objects.get(import_request=import_request)
