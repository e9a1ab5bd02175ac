"""Shared fixtures: the catalog is loaded in every test database, an empty cache, users for each role, a signing key,
staff 2FA."""
import shutil
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def _translations_compiled():
    """The portal's Chinese catalogue is committed as .po and compiled, not committed: `make test` compiles it,
    and a bare pytest run compiles it here when it is missing or older than its .po (GNU gettext's msgfmt)."""
    from django.conf import settings

    stale = [
        po for locale_path in settings.LOCALE_PATHS for po in Path(locale_path).glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if not stale:
        return
    if shutil.which("msgfmt") is None:
        pytest.exit("GNU gettext's msgfmt is missing, so the translations cannot be compiled: apt-get install "
                    "gettext (make test installs it).", returncode=3)
    for po in stale:
        call_command("compilemessages", locale=[po.parent.parent.name], ignore_patterns=[".venv"], verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Throttle counters and sign-in lockouts live in the cache, which outlives a test's database transaction."""
    cache.clear()


@pytest.fixture(autouse=True)
def _catalog_loaded(request):
    """Transactional tests flush the database; put the catalog back for whoever runs next."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if marker is None and not transactional and "db" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db" if transactional else "db")
    from chips.models import ChipModel

    if not ChipModel.objects.exists():
        call_command("load_catalog", verbosity=0)


@pytest.fixture
def chip(db):
    from chips.models import ChipModel

    return lambda slug: ChipModel.objects.get(slug=slug)


@pytest.fixture
def company(db):
    from tests.factories import CompanyFactory

    return CompanyFactory(approved_customer=True)


@pytest.fixture
def applicant(company):
    from tests.factories import ApplicantFactory

    return ApplicantFactory(membership__company=company)


@pytest.fixture
def other_applicant(db):
    from tests.factories import ApplicantFactory

    return ApplicantFactory()


@pytest.fixture
def reviewer(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["reviewer"])


@pytest.fixture
def reviewer2(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["reviewer"])


@pytest.fixture
def senior(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["senior_reviewer"])


@pytest.fixture
def senior2(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["senior_reviewer"])


@pytest.fixture
def auditor(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["auditor"])


@pytest.fixture
def maintainer(db):
    from tests.factories import StaffFactory

    return StaffFactory(groups=["catalog_maintainer"])


@pytest.fixture(autouse=True)
def _broker_assumed_up():
    """A test that made publishing fail must not pause publishing for the tests after it."""
    from approvals import queue

    queue._skip_until = 0.0
    yield
    queue._skip_until = 0.0


@pytest.fixture
def two_factor_on(settings):
    """Staff sign in with a second factor, as in production (a live server runs in this process: it sees this too)."""
    settings.CHIPGATE_STAFF_2FA = True


@pytest.fixture
def enrolment(reviewer):
    """The reviewer's authenticator app, set up, and their backup codes."""
    from tests.factories import enrolled

    return enrolled(reviewer)


@pytest.fixture(scope="session")
def _signing_files(tmp_path_factory):
    from approvals.signing import self_signed_identity_create

    folder = tmp_path_factory.mktemp("signing")
    key_path, cert_path = folder / "key.pem", folder / "certificate.pem"
    certificate = self_signed_identity_create(key_path=key_path, cert_path=cert_path,
                                              common_name="Chipgate Test Authority")
    return key_path, cert_path, certificate


@pytest.fixture
def signing_identity(settings, _signing_files):
    """A throwaway self-signed key and certificate (made once per run) as the authority's; gives the certificate."""
    key_path, cert_path, certificate = _signing_files
    settings.CHIPGATE_SIGNING_KEY, settings.CHIPGATE_SIGNING_CERT = str(key_path), str(cert_path)
    return certificate
