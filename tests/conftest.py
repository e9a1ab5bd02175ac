"""Shared fixtures: the test database starts with the real catalog loaded."""
import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0)


@pytest.fixture
def chip(db):
    from chips.models import ChipModel

    return lambda slug: ChipModel.objects.get(slug=slug)
