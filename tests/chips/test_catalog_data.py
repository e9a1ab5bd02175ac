"""The published capability figures come out of the project's catalog data."""
import pytest

pytestmark = pytest.mark.django_db


def test_h200_tpp_matches_the_published_figure(chip):
    h200 = chip("nvidia-h200")
    assert h200.tpp == 15832
    assert h200.tpp == pytest.approx(15840, rel=0.001)


def test_h20_and_ascend_910c_tpp(chip):
    assert chip("nvidia-h20").tpp == 2368
    assert chip("huawei-ascend-910c").tpp == 12032


def test_h200_bandwidth_against_ascend_910c(chip):
    assert chip("nvidia-h200").memory_bandwidth_tbps == 4.8
    assert chip("huawei-ascend-910c").memory_bandwidth_tbps == 3.2


def test_h20_and_l20_are_not_controlled_on_published_figures(chip):
    assert chip("nvidia-h20").classification == "not_controlled"
    assert chip("nvidia-l20").classification == "not_controlled"


def test_unknown_die_area_leaves_pd_unknown(chip):
    gaudi = chip("intel-gaudi3")
    assert gaudi.performance_density is None
    assert gaudi.tpp == 29360


@pytest.mark.parametrize(
    ("slug", "status", "rate"),
    [
        ("nvidia-h200", "eligible", "0.250"),
        ("nvidia-h20", "eligible", "0.150"),
        ("nvidia-a100-sxm", "not_eligible", "0.000"),
        ("nvidia-h100-sxm", "not_eligible", "0.000"),
        ("nvidia-h100-pcie", "not_eligible", "0.000"),
        ("huawei-ascend-910c", "domestic", "0.000"),
        ("cambricon-mlu370-x8", "domestic", "0.000"),
        ("amd-mi300x", "not_eligible", "0.000"),
    ],
)
def test_initial_framework_status(chip, slug, status, rate):
    model = chip(slug)
    assert (model.framework_status, str(model.revenue_share_rate)) == (status, rate)
