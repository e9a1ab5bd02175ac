"""Chip admin: computed columns, filters and validation of specs."""
import pytest
from django.contrib.auth import get_user_model

from chips.models import ChipModel

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    client.force_login(user)
    return client


def test_list_shows_computed_tpp_pd_and_classification(admin_client_logged_in, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = admin_client_logged_in.get("/admin/chips/chipmodel/")
    content = response.content.decode()
    assert "15,832" in content and "19.45" in content and "3A090.a" in content


def test_list_filters_by_framework_status(admin_client_logged_in):
    response = admin_client_logged_in.get("/admin/chips/chipmodel/?framework_status__exact=domestic")
    assert "Ascend 910C" in response.content.decode()
    assert "H200 SXM" not in response.content.decode()


def test_negative_rate_is_rejected_with_a_clear_message(admin_client_logged_in):
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    data = {
        field.name: getattr(h200, field.name) for field in ChipModel._meta.concrete_fields
        if field.name not in ("id", "updated_at")
    }
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["dense_fp16_bf16_tflops"] = -1
    data["datacenter"] = "on"
    response = admin_client_logged_in.post(f"/admin/chips/chipmodel/{h200.pk}/change/", data)
    assert response.status_code == 200
    assert "Must be zero or more, not negative." in response.content.decode()
    assert ChipModel.objects.get(pk=h200.pk).dense_fp16_bf16_tflops == 989.5
