"""Fixtures for the portal's view tests: clients signed in as a given user."""
import pytest
from django.test import Client


@pytest.fixture
def signed_in():
    def client_for(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return client_for


@pytest.fixture
def applicant_client(signed_in, applicant):
    return signed_in(applicant)
