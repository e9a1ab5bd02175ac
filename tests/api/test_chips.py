"""GET /api/v1/chips/ and /api/v1/chips/{slug}/: the catalog with computed metrics, for every role."""
import pytest

from chips.models import ChipModel

FIELDS = {
    "slug", "name", "vendor", "tpp", "performance_density", "classification", "memory_bandwidth_tbps", "memory_gb",
    "framework_status", "revenue_share_rate",
}


@pytest.mark.parametrize("role", ["applicant", "reviewer", "senior", "auditor"])
def test_every_role_reads_the_catalog(request, api_for, role):
    response = api_for(request.getfixturevalue(role)).get("/api/v1/chips/")
    assert response.status_code == 200
    chips = response.json()
    assert len(chips) == ChipModel.objects.count()
    assert all(set(chip) >= FIELDS for chip in chips)


def test_a_chip_has_its_computed_metrics(api_for, applicant):
    chip = ChipModel.objects.get(slug="nvidia-h200")
    body = api_for(applicant).get("/api/v1/chips/nvidia-h200/").json()
    assert body["tpp"] == chip.tpp
    assert body["performance_density"] == pytest.approx(chip.performance_density)
    assert body["classification"] == chip.classification
    assert body["framework_status"] == "eligible"
    assert body["revenue_share_rate"] == str(chip.revenue_share_rate)


def test_an_unknown_chip_answers_404(api_for, applicant):
    response = api_for(applicant).get("/api/v1/chips/no-such-chip/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_catalog_costs_two_queries(api_for, applicant, django_assert_max_num_queries):
    client = api_for(applicant)
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/chips/").status_code == 200
